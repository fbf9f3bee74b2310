import { resize, SquintError, type AlignedFace, type InferenceRuntime, type ModelSession, type QualityEstimator, type RgbImage } from '@squint/core';
import { buildCnnIqaGraph, KANG_PATCH, type InputRange } from './cnniqa-graph';
import { readCnnIqaWeights, type CnnIqaVariant } from './cnniqa-weights';
import type { WeightMap } from './safetensors';
import { readWeightSource, type WeightSource } from './weight-source';

export interface CnnIqaOptions {
  variant: CnnIqaVariant;
  /** A safetensors file (bytes, URL, or a path in Node), or tensors already in memory. */
  weights: WeightSource | WeightMap;
  /** Value range the weights were trained on. Default '[0,1]'; PETALface's pyiqa quirk: '[-1,1]'. */
  inputRange?: InputRange;
  /**
   * Resize every face to inputSize x inputSize (bicubic) before scoring. Without it faces are
   * scored at their native resolution, and a face smaller than the network can see (kang: a 32x32
   * patch; pyiqa: the 7x7 kernel) is an IMAGE_TOO_SMALL error: upsampling a 16 px face to a patch
   * would score the upsampler's blur, so that is a choice the caller makes on purpose. PETALface
   * scores its 120x120 recognition input: `{ variant: 'pyiqa', inputSize: 120, inputRange: '[-1,1]' }`.
   */
  inputSize?: number;
  /** Report -output: for weights whose target is "higher = worse" (Kang's LIVE DMOS). */
  negate?: boolean;
  /** Faces per inference. Default 64. */
  batchSize?: number;
}

export interface CnnIqaEstimator extends QualityEstimator {
  readonly variant: CnnIqaVariant;
  release(): Promise<void>;
}

/** Smallest side each variant accepts: a whole patch, or one position of the 7x7 kernel. */
const MIN_SIDE: Record<CnnIqaVariant, number> = { kang: KANG_PATCH, pyiqa: 7 };

/**
 * CNN-IQA as a QualityEstimator: the graph is built from the weights here and run by the given
 * runtime (Node or web). Faces of equal size share one batched inference; with `inputSize` that is
 * every face.
 */
export async function createCnnIqa(runtime: InferenceRuntime, options: CnnIqaOptions): Promise<CnnIqaEstimator> {
  const { variant, inputRange = '[0,1]', inputSize, negate = false, batchSize = 64 } = options;
  if (inputSize !== undefined && (!Number.isInteger(inputSize) || inputSize < MIN_SIDE[variant])) {
    throw new SquintError('INVALID_ARGUMENT', `inputSize must be an integer >= ${MIN_SIDE[variant]} for the ${variant} variant, got ${inputSize}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new SquintError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}`);
  }
  let weights: WeightMap;
  let label: string;
  if (isWeightMap(options.weights)) {
    weights = options.weights;
    label = 'cnniqa weights';
  } else {
    const source = await readWeightSource(options.weights);
    label = source.label;
    weights = readCnnIqaWeights(source.bytes, variant, label);
  }
  const model = buildCnnIqaGraph(weights, { variant, inputRange, negate, label });
  const session: ModelSession = await runtime.createSession(model, { label: `cnniqa-${variant}` });

  const run = async (images: RgbImage[]): Promise<Float32Array> => {
    const { width: w, height: h } = images[0];
    const plane = w * h;
    const data = new Float32Array(images.length * 3 * plane);
    images.forEach((img, b) => {
      const base = b * 3 * plane;
      for (let i = 0; i < plane; i++) {
        data[base + i] = img.data[i * 3];
        data[base + plane + i] = img.data[i * 3 + 1];
        data[base + 2 * plane + i] = img.data[i * 3 + 2];
      }
    });
    const out = await session.run({ image: runtime.tensor('float32', data, [images.length, 3, h, w]) });
    return out.score.data as Float32Array;
  };

  return {
    name: `cnniqa-${variant}`,
    variant,
    release: () => session.release(),
    async estimate(faces: readonly AlignedFace[]): Promise<number[]> {
      const images = faces.map((f) => (inputSize ? resize(f.image, inputSize, inputSize, 'bicubic') : f.image));
      // Check every face first: a batch fails before any work, naming each face that cannot be scored.
      const small = images.flatMap((img, i) => (Math.min(img.width, img.height) < MIN_SIDE[variant] ? [`face ${i} (${img.width}x${img.height})`] : []));
      if (small.length > 0) {
        throw new SquintError('IMAGE_TOO_SMALL', `CNN-IQA (${variant}) needs faces of at least ${MIN_SIDE[variant]}x${MIN_SIDE[variant]} px${variant === 'kang' ? ' (one 32x32 patch)' : ''}; too small: ${small.join(', ')}. Pass inputSize to resize faces first, or use the classical or stability estimator for tiny faces`, { input: small[0].split(' (')[0] });
      }
      const groups = new Map<string, number[]>();
      images.forEach((img, i) => {
        const key = `${img.width}x${img.height}`;
        const group = groups.get(key);
        if (group) group.push(i);
        else groups.set(key, [i]);
      });
      const scores = new Array<number>(faces.length);
      for (const indices of groups.values()) {
        for (let start = 0; start < indices.length; start += batchSize) {
          const chunk = indices.slice(start, start + batchSize);
          const out = await run(chunk.map((i) => images[i]));
          chunk.forEach((faceIndex, j) => {
            if (!Number.isFinite(out[j])) {
              throw new SquintError('MODEL_OUTPUT', `CNN-IQA returned ${out[j]}; the weights are probably broken`, { input: `face ${faceIndex}` });
            }
            scores[faceIndex] = out[j];
          });
        }
      }
      return scores;
    },
  };
}

function isWeightMap(w: CnnIqaOptions['weights']): w is WeightMap {
  return !!w && typeof w === 'object' && !(w instanceof Uint8Array) && !(w instanceof ArrayBuffer) && !(w instanceof URL);
}
