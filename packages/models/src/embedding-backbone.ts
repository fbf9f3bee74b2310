import {
  SquintError, checkModelInputs, dot, l2normalize, resize,
  type AlignedFace, type Backbone, type InferenceRuntime, type ModelSource, type RgbImage,
} from '@squint/core';
import { runBatched } from './batched-run';
import { FR_FEATURE, type EmbeddingDescriptor } from './descriptors';
import { writeInput } from './input-tensor';

export interface EmbeddingBackboneOptions {
  /** The model and its facts. Default: the packaged faceplugin fr_feature (MobileFaceNet-like, 512-d). */
  descriptor?: EmbeddingDescriptor;
  /**
   * Bring your own ONNX: bytes, a path or a URL. Its input shape gives the input size (override
   * with inputSize); normalisation defaults to the descriptor's ((x - 127) / 128 for the default
   * descriptor), override with mean / std.
   */
  model?: ModelSource;
  /** Stable id of a BYO model, recorded in galleries. Default for bytes: a hash of the bytes. */
  modelId?: string;
  /** Square input side in pixels. */
  inputSize?: number;
  /** Per-channel (or one for all) mean and std on 0..255 pixel values. */
  mean?: number | readonly number[];
  std?: number | readonly number[];
  /** Channel order the model expects. Default: the descriptor's (RGB). */
  color?: 'RGB' | 'BGR';
  /** Faces per inference run. Default 32. */
  maxBatch?: number;
  /**
   * How aligned faces (kept at their native size) reach the input size. Default: `area` when
   * shrinking, `bicubic` when enlarging.
   */
  resize?: 'bilinear' | 'bicubic' | 'area';
  threads?: number;
}

/**
 * Embeds aligned faces with a single-input ONNX embedding model: resize to the input size, one
 * NCHW (or NHWC) float tensor per chunk of maxBatch faces, one run per chunk, L2-normalised rows.
 * The default model is the faceplugin fr_feature; any ArcFace-style model can be brought instead.
 */
export async function createEmbeddingBackbone(runtime: InferenceRuntime, options: EmbeddingBackboneOptions = {}): Promise<Backbone> {
  const base = options.descriptor ?? FR_FEATURE;
  const byo = options.model !== undefined;
  const maxBatch = options.maxBatch ?? 32;
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new SquintError('INVALID_ARGUMENT', `maxBatch must be a positive integer, got ${maxBatch}`);
  const method = options.resize;
  if (method !== undefined && !['bilinear', 'bicubic', 'area'].includes(method)) {
    throw new SquintError('INVALID_ARGUMENT', `resize must be bilinear, bicubic or area, got "${method}"`);
  }

  const label = byo ? options.modelId ?? describeSource(options.model!) : base.id;
  const session = await runtime.createSession(options.model ?? base.url, { label, threads: options.threads });
  const meta = session.inputMetadata[0];
  const layout = base.input.layout;
  const shape = meta?.isTensor ? meta.shape : [];
  // A BYO model's own input shape decides the size unless the caller says otherwise.
  const shapeSide = typeof shape[layout === 'NCHW' ? 3 : 2] === 'number' ? (shape[layout === 'NCHW' ? 3 : 2] as number) : undefined;
  const side = options.inputSize ?? (byo ? shapeSide : undefined) ?? base.input.width;
  if (!(Number.isInteger(side) && side >= 8)) throw new SquintError('INVALID_ARGUMENT', `inputSize must be an integer >= 8, got ${side}`);
  const inputName = byo ? session.inputNames[0] : base.input.name;
  checkModelInputs(session, [{ name: inputName, dims: layout === 'NCHW' ? [null, 3, side, side] : [null, side, side, 3] }]);
  const outputName = byo || !session.outputNames.includes(base.output) ? session.outputNames[0] : base.output;

  const facts = {
    ...base.input,
    name: inputName,
    width: side,
    height: side,
    color: options.color ?? base.input.color,
    mean: channels(options.mean ?? base.input.mean, 'mean'),
    std: channels(options.std ?? base.input.std, 'std'),
  };
  if (facts.std.some((s) => s === 0)) throw new SquintError('INVALID_ARGUMENT', 'std must not be 0');

  // The output width is only known for sure after a run; the descriptor says it for our model.
  const outMeta = session.outputMetadata.find((m) => m.name === outputName);
  const declared = outMeta?.isTensor ? outMeta.shape[outMeta.shape.length - 1] : undefined;
  const dim = typeof declared === 'number' ? declared : base.dim;
  const modelId = options.modelId ?? (byo ? await fingerprint(options.model!) : base.id);

  return {
    name: byo ? 'onnx-embedding' : 'mobilefacenet',
    modelId,
    dim,
    async embed(faces: readonly AlignedFace[]): Promise<Float32Array[]> {
      const out: Float32Array[] = new Array(faces.length);
      await runBatched(runtime, session, facts, faces.length, maxBatch,
        (target, slot, item) => writeInput(target, slot, fit(faces[item].image, side, method), facts),
        (outputs, slot, item) => {
          const y = outputs[outputName];
          const width = y.dims[y.dims.length - 1];
          if (width !== dim) {
            throw new SquintError('MODEL_SHAPE', `model answered ${width}-d embeddings, expected ${dim}`, { input: session.label });
          }
          out[item] = normalise((y.data as Float32Array).subarray(slot * dim, (slot + 1) * dim), session.label, item);
        });
      return out;
    },
  };
}

function fit(image: RgbImage, side: number, method: EmbeddingBackboneOptions['resize']): RgbImage {
  if (image.width === side && image.height === side) return image;
  const shrinking = image.width * image.height > side * side;
  return resize(image, side, side, method ?? (shrinking ? 'area' : 'bicubic'));
}

/** core's l2normalize, with an unusable row reported as the model's fault (MODEL_OUTPUT), not the caller's. */
function normalise(v: Float32Array, label: string, item: number): Float32Array {
  const ss = dot(v, v);
  if (!Number.isFinite(ss) || !(ss > 0)) {
    throw new SquintError('MODEL_OUTPUT', `embedding of face ${item} is ${Number.isFinite(ss) ? 'all zeros' : 'NaN/Inf'}; the model or its input normalisation is broken`, { input: label });
  }
  return l2normalize(v);
}

function channels(v: number | readonly number[], name: string): number[] {
  const arr = typeof v === 'number' ? [v, v, v] : v.length === 1 ? [v[0], v[0], v[0]] : [...v];
  if (arr.length !== 3 || arr.some((x) => !Number.isFinite(x))) {
    throw new SquintError('INVALID_ARGUMENT', `${name} must be one number or three (R, G, B), got ${JSON.stringify(v)}`);
  }
  return arr;
}

function describeSource(model: ModelSource): string {
  if (typeof model === 'string') return model;
  if (model instanceof URL) return model.href;
  return `model bytes (${model.byteLength} B)`;
}

/**
 * Id of a BYO model, so that a gallery is tied to the weights that made it: a hash of the bytes.
 * A path or URL cannot be read here (this package is platform-free), so its file name stands in;
 * pass bytes or an explicit modelId to pin the exact weights.
 */
async function fingerprint(model: ModelSource): Promise<string> {
  if (typeof model === 'string' || model instanceof URL) {
    const path = model instanceof URL ? model.pathname : model;
    return `onnx:${path.split(/[\\/]/).pop()}`;
  }
  const bytes = model instanceof Uint8Array ? model : new Uint8Array(model);
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return `onnx:sha256-${Array.from(digest.subarray(0, 12), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
