import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { RgbImage } from './image';

/** Model bytes, a file path (Node) or a URL (file: in Node, http(s): in a browser). */
export type ModelSource = Uint8Array | ArrayBuffer | string | URL;

export interface SessionOptions {
  /** Used in error messages, e.g. "faceplugin/fr_feature". */
  label?: string;
  /** Intra-op threads (Node) / wasm threads (web). Default: the runtime's own default. */
  threads?: number;
}

/** A loaded model. Thin on purpose: plugins only need run() and the I/O description. */
export interface ModelSession {
  readonly label: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly InferenceSession.ValueMetadata[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

/**
 * What core needs from a platform: sessions, tensors and image decoding. @squint/node
 * implements it with onnxruntime-node + sharp, @squint/web with onnxruntime-web + canvas.
 * Plugins receive a runtime and never import either platform package themselves.
 */
export interface InferenceRuntime {
  /** e.g. "onnxruntime-node", "onnxruntime-web/webgpu", "onnxruntime-web/wasm". */
  readonly name: string;
  createSession(model: ModelSource, options?: SessionOptions): Promise<ModelSession>;
  /** Tensors must come from the runtime's own onnxruntime copy. */
  tensor(type: 'float32', data: Float32Array, dims: readonly number[]): Tensor;
  tensor(type: 'int64', data: BigInt64Array, dims: readonly number[]): Tensor;
  /**
   * Decode an image into 8-bit RGB. Node accepts file paths and bytes; the web runtime accepts
   * ImageData, ImageBitmap, Blob, HTMLImageElement and bytes. `label` names the input in errors.
   */
  loadImage(input: unknown, label?: string): Promise<RgbImage>;
}
