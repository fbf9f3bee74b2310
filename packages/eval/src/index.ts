export * from './identification';
export * from './verification';
export * from './quality-breakdown';
export * from './random';
export * from './degradation';
export * from './results';
export * from './svg-plot';
export * from './report';
