import { isSquintError, SquintError, type InferenceRuntime, type ModelSource } from '@squint/core';
import { createOnnxSuperResolution, type OnnxSuperResolution } from './onnx-sr';

export type EsrganVariant = 'slim' | 'medium';
export type EsrganScale = 2 | 4;

export interface EsrganOptions {
  /** Default 'slim'. */
  variant?: EsrganVariant;
  /** Default 4. */
  scale?: EsrganScale;
  /** Longest side of an output face. Default 112. */
  maxSize?: number;
  /** Where the converted graph is, when not next to the package (e.g. a URL served to a browser). */
  model?: ModelSource;
  batchSize?: number;
  threads?: number;
}

/**
 * The converted UpscalerJS graphs shipped in ../assets (made by scripts/prepare-assets.ts).
 * Literal `new URL(..., import.meta.url)` expressions, so that bundlers can see and copy each file.
 */
export function esrganAssetUrl(variant: EsrganVariant, scale: EsrganScale): URL {
  if (variant === 'slim' && scale === 2) return new URL('../assets/esrgan-slim-x2.onnx', import.meta.url);
  if (variant === 'slim' && scale === 4) return new URL('../assets/esrgan-slim-x4.onnx', import.meta.url);
  if (variant === 'medium' && scale === 2) return new URL('../assets/esrgan-medium-x2.onnx', import.meta.url);
  if (variant === 'medium' && scale === 4) return new URL('../assets/esrgan-medium-x4.onnx', import.meta.url);
  throw new SquintError('INVALID_ARGUMENT', `no ESRGAN "${variant}" x${scale}; choose variant slim|medium and scale 2|4`, { input: 'esrgan' });
}

/**
 * UpscalerJS ESRGAN (RDN architecture, MIT) as a Preprocessor. The graphs take RGB 0-255 NCHW and
 * return 0-255: UpscalerJS declares inputRange/outputRange [0, 255] for its RDN models.
 */
export async function createEsrgan(runtime: InferenceRuntime, options: EsrganOptions = {}): Promise<OnnxSuperResolution> {
  const variant = options.variant ?? 'slim';
  const scale = options.scale ?? 4;
  const name = `esrgan-${variant}-x${scale}`;
  const model = options.model ?? esrganAssetUrl(variant, scale);
  try {
    return await createOnnxSuperResolution(runtime, {
      model, name, scale, layout: 'nchw', inputRange: [0, 255], outputRange: [0, 255],
      maxSize: options.maxSize, batchSize: options.batchSize, threads: options.threads,
      // Large inputs (whole frames) tile; faces (<= 112 px) never reach this size.
      tile: { size: 128, overlap: 8 },
    });
  } catch (e) {
    if (options.model === undefined && isSquintError(e, 'MODEL_INVALID')) {
      throw new SquintError('MODEL_INVALID', `the converted ESRGAN graph is missing or unreadable (${e.message}); run \`npm install\` (its postinstall converts the UpscalerJS models) or pass \`model\``, { input: name, cause: e });
    }
    throw e;
  }
}
