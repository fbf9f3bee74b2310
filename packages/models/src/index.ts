export * from './descriptors';
export * from './detection-pyramid';
export * from './nms';
export * from './ultraface-detector';
export * from './landmark68';
export * from './embedding-backbone';
export * from './plugin';
