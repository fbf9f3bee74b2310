import { cosine, flipHorizontal, SquintError, warpAffine, type AlignedFace, type Backbone, type QualityEstimator, type RgbImage } from '@squint/core';

export type Perturbation = 'flip' | 'shift';

export interface StabilityQualityOptions {
  /** Which perturbed views to embed besides the face itself. Default ['flip', 'shift']. */
  perturbations?: readonly Perturbation[];
  /** Shift distance in native pixels of the aligned face. Default 1. */
  shiftPixels?: number;
  /** Faces per backbone call; each face costs 1 + views embeddings. Default 16. */
  batchSize?: number;
}

/** One-pixel moves in the four axis directions: symmetric, so no direction biases the score. */
const SHIFTS: readonly [number, number][] = [[1, 0], [-1, 0], [0, 1], [0, -1]];

/**
 * Embedding stability, in the spirit of SER-FIQ (Terhörst et al. 2020): a face the backbone
 * understands keeps its embedding under perturbations that do not change who it is, while a face it
 * cannot read drifts. SER-FIQ perturbs with dropout inside the network; that needs a training-mode
 * graph, so here the perturbations are on the input instead (mirror image, one-pixel shifts at the
 * face's native resolution, replicated border), which works with any backbone as shipped.
 *
 * q = mean cosine over all pairs of the embeddings of {face, its perturbed views}, in [-1, 1]
 * (in practice 0.3..1); higher = more stable = better. Cost: 1 + views embeddings per face
 * (6 with the defaults), batched into one backbone call per chunk of faces.
 */
export function createStabilityQuality(backbone: Backbone, options: StabilityQualityOptions = {}): QualityEstimator {
  const { perturbations = ['flip', 'shift'], shiftPixels = 1, batchSize = 16 } = options;
  for (const p of perturbations) {
    if (p !== 'flip' && p !== 'shift') {
      throw new SquintError('INVALID_ARGUMENT', `unknown perturbation "${p}"; use 'flip' and/or 'shift'`, { input: String(p) });
    }
  }
  if (perturbations.length === 0) {
    throw new SquintError('INVALID_ARGUMENT', 'stability quality needs at least one perturbation (flip or shift)');
  }
  if (!(shiftPixels > 0) || !Number.isFinite(shiftPixels)) {
    throw new SquintError('INVALID_ARGUMENT', `shiftPixels must be a positive number, got ${shiftPixels}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new SquintError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}`);
  }

  const views = (img: RgbImage): RgbImage[] => {
    const out = [img];
    if (perturbations.includes('flip')) out.push(flipHorizontal(img));
    if (perturbations.includes('shift')) {
      for (const [dx, dy] of SHIFTS) {
        out.push(warpAffine(img, [1, 0, dx * shiftPixels, 0, 1, dy * shiftPixels], img.width, img.height, { border: 'replicate' }));
      }
    }
    return out;
  };

  return {
    name: `stability(${backbone.name})`,
    async estimate(faces: readonly AlignedFace[]): Promise<number[]> {
      const scores: number[] = [];
      for (let start = 0; start < faces.length; start += batchSize) {
        const chunk = faces.slice(start, start + batchSize);
        const perFace = chunk.map((f) => views(f.image).map((image) => ({ ...f, image })));
        const embeddings = await backbone.embed(perFace.flat());
        let at = 0;
        for (const group of perFace) {
          scores.push(meanPairwiseCosine(embeddings.slice(at, at + group.length)));
          at += group.length;
        }
      }
      return scores;
    },
  };
}

/** Cosine rather than a bare dot product: the score stays a cosine for any backbone, normalised or not. */
function meanPairwiseCosine(e: readonly Float32Array[]): number {
  let sum = 0, pairs = 0;
  for (let i = 0; i < e.length; i++) {
    for (let j = i + 1; j < e.length; j++) {
      sum += cosine(e[i], e[j]);
      pairs++;
    }
  }
  return sum / pairs;
}
