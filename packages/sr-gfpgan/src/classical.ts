import { resize, SquintError, type Preprocessor } from '@squint/core';
import { lanczosResize } from './lanczos';
import { createUpscalingPreprocessor } from './sr-preprocessor';

export type ClassicalMethod = 'bicubic' | 'bilinear' | 'lanczos';

export interface ResizeUpscalerOptions {
  /** Default 'bicubic'. */
  method?: ClassicalMethod;
  /** Default 4. */
  scale?: number;
  /** Longest output side. Default 112. */
  maxSize?: number;
}

const METHODS: readonly ClassicalMethod[] = ['bicubic', 'bilinear', 'lanczos'];

/** Interpolation under the same Preprocessor contract as the learned SR options: the baseline they must beat. */
export function createResizeUpscaler(options: ResizeUpscalerOptions = {}): Preprocessor {
  const method = options.method ?? 'bicubic';
  if (!METHODS.includes(method)) {
    throw new SquintError('INVALID_ARGUMENT', `unknown resize method "${method}"; use one of ${METHODS.join(', ')}`);
  }
  const scale = options.scale ?? 4;
  return createUpscalingPreprocessor(method, { scale, maxSize: options.maxSize }, async (images, { width, height }) =>
    images.map((img) => (method === 'lanczos' ? lanczosResize(img, width, height) : resize(img, width, height, method))),
  );
}
