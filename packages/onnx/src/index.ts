export * from './proto';
export * from './data-type';
export * from './tensor';
export * from './value-info';
export * from './model-io';
export * from './graph-edit';
export * from './batch';
