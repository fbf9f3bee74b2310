export { createWebRuntime, type WebRuntime, type WebRuntimeOptions, type WebDiagnostics } from './web-runtime';
export type { WebExecutionProvider } from './execution-provider';
export type { WebModelSession } from './web-session';
export { loadImage, type LoadImageOptions, type WebImageInput } from './load-image';
export { rgbaToRgb, type RgbaPixels } from './rgba-to-rgb';
export { DEFAULT_PIXEL_LIMIT } from './pixel-limit';
export type { WebGpuAdapterInfo } from './webgpu-probe';
