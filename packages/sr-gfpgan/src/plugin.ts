import { SquintError, type ModelSource, type SquintPlugin } from '@squint/core';
import { createResizeUpscaler, type ResizeUpscalerOptions } from './classical';
import { createEsrgan, type EsrganOptions } from './esrgan';
import { createGfpgan, type GfpganOptions } from './gfpgan';
import { createOnnxSuperResolution, type OnnxSuperResolutionOptions } from './onnx-sr';

function requireModel(name: string, options: Record<string, unknown>): ModelSource {
  const model = options.model;
  if (typeof model !== 'string' && !(model instanceof URL) && !(model instanceof Uint8Array)) {
    throw new SquintError('INVALID_ARGUMENT', `preprocessor "${name}" needs options.model: the path or URL of its ONNX file`, { input: name });
  }
  return model;
}

/** The super-resolution strategies, by the names JSON pipelines use. */
export const srPlugin: SquintPlugin = {
  name: '@squint/sr-gfpgan',
  register(registry) {
    registry
      .register('preprocessor', 'bicubic', (o) => createResizeUpscaler({ ...(o as ResizeUpscalerOptions), method: 'bicubic' }))
      .register('preprocessor', 'lanczos', (o) => createResizeUpscaler({ ...(o as ResizeUpscalerOptions), method: 'lanczos' }))
      .register('preprocessor', 'esrgan', (o, { runtime }) => createEsrgan(runtime, o as EsrganOptions))
      .register('preprocessor', 'esrgan-slim', (o, { runtime }) => createEsrgan(runtime, { ...(o as EsrganOptions), variant: 'slim' }))
      .register('preprocessor', 'esrgan-medium', (o, { runtime }) => createEsrgan(runtime, { ...(o as EsrganOptions), variant: 'medium' }))
      .register('preprocessor', 'onnx-sr', (o, { runtime }) =>
        createOnnxSuperResolution(runtime, { ...(o as unknown as OnnxSuperResolutionOptions), model: requireModel('onnx-sr', o) }))
      .register('preprocessor', 'gfpgan', (o, { runtime }) =>
        createGfpgan(runtime, { ...(o as unknown as GfpganOptions), model: requireModel('gfpgan', o) }));
  },
};
