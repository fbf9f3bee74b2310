import * as ort from 'onnxruntime-node';
import { SquintError, type InferenceRuntime, type ModelSession, type ModelSource, type RgbImage, type SessionOptions } from '@squint/core';
import { createModelSession } from './model-session';
import { DEFAULT_PIXEL_LIMIT, loadImage, type ImageInput } from './load-image';
import { encodeImage, saveImage, type ImageFormat } from './encode-image';

export interface NodeRuntimeOptions {
  /** onnxruntime intra-op threads for every session (a session's own `threads` wins). Default: onnxruntime's (one per core). */
  threads?: number;
  /** Largest image, in pixels, that loadImage decodes (decompression-bomb guard). Default 50,000,000. */
  pixelLimit?: number;
}

export interface NodeRuntime extends InferenceRuntime {
  readonly name: 'onnxruntime-node';
  readonly threads: number | undefined;
  readonly pixelLimit: number;
  /** A file path, a file: URL or encoded bytes (JPEG, PNG, WebP, TIFF, GIF, AVIF). */
  loadImage(input: ImageInput, label?: string): Promise<RgbImage>;
  encodeImage(image: RgbImage, format: ImageFormat): Promise<Uint8Array>;
  saveImage(image: RgbImage, path: string): Promise<void>;
}

export function createNodeRuntime(options: NodeRuntimeOptions = {}): NodeRuntime {
  const { threads, pixelLimit = DEFAULT_PIXEL_LIMIT } = options;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 0)) {
    throw new SquintError('INVALID_ARGUMENT', `threads must be a non-negative integer (0 = onnxruntime's default), got ${threads}`);
  }
  if (!(pixelLimit > 0)) {
    throw new SquintError('INVALID_ARGUMENT', `pixelLimit must be a positive number of pixels, got ${pixelLimit}`);
  }

  function tensor(type: 'float32', data: Float32Array, dims: readonly number[]): ort.Tensor;
  function tensor(type: 'int64', data: BigInt64Array, dims: readonly number[]): ort.Tensor;
  function tensor(type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]): ort.Tensor {
    return new ort.Tensor(type, data, dims);
  }

  return {
    name: 'onnxruntime-node',
    threads,
    pixelLimit,
    createSession(model: ModelSource, sessionOptions: SessionOptions = {}): Promise<ModelSession> {
      return createModelSession(model, { label: sessionOptions.label, threads: sessionOptions.threads ?? threads });
    },
    tensor,
    loadImage: (input, label) => loadImage(input, label, { pixelLimit }),
    encodeImage: (image, format) => encodeImage(image, format),
    saveImage: (image, path) => saveImage(image, path),
  };
}
