import type { AlignedFace, QualityEstimator, RgbImage } from '@squint/core';

export interface ClassicalQualityOptions {
  /** Native side (px) at or below which the size term is 0. Default 8. */
  minSide?: number;
  /** Native side (px) at or above which the size term is 1 (the backbone's input). Default 112. */
  fullSide?: number;
  /** Sharpness ratio (see below) at which the sharpness term is 0.5. Default 0.1. */
  sharpnessHalf?: number;
  /** Noise sigma (grey levels, 0–255) at which the noise term is 0.5. Default 6. */
  noiseHalf?: number;
  /** Exponents of the size, sharpness and noise terms in the product. Default [1, 0.25, 0.15]. */
  weights?: readonly [number, number, number];
}

/** The three terms behind a classical score, each in [0, 1] (1 = good). */
export interface ClassicalQualityTerms {
  size: number;
  sharpness: number;
  noise: number;
  /** Variance of the Laplacian over the grey-level variance, in the face region. */
  sharpnessRatio: number;
  /** Estimated noise standard deviation, grey levels. */
  noiseSigma: number;
}

/**
 * A fast, model-free score in [0, 1] from what decides recognisability at low resolution:
 *
 *   q = size^w1 * sharpness^w2 * noise^w3          (w = 1, 0.25, 0.15 by default)
 *
 * - size = clamp(ln(side / minSide) / ln(fullSide / minSide), 0, 1) with side = the aligned face's
 *   native shorter side: 112 px -> 1, 24 px -> 0.42, 12 px -> 0.15, 8 px -> 0. Logarithmic because
 *   each halving of resolution costs a backbone about the same.
 * - sharpness = r / (r + sharpnessHalf), r = var(Laplacian) / var(grey) in the face region (the
 *   central part of the template: eyes, nose, mouth). Dividing by the grey variance makes it
 *   contrast-free, so a dim face is not called blurry; an upsampled or defocused face scores low.
 * - noise = 1 / (1 + (sigma / noiseHalf)^2), sigma = 1.4826 * median|h| / 6 where h is the image
 *   filtered by [1 -2 1; -2 4 -2; 1 -2 1] (Immerkaer's kernel: it cancels linear ramps and most edge
 *   energy, so what is left is mostly noise; the median makes the remaining edges irrelevant).
 *
 * All three run at the face's native resolution on the grey image, in well under a millisecond.
 * Size dominates on purpose: at native resolution a small face's few pixels look sharp, so the
 * sharpness and noise terms only refine the ranking. The constants were chosen on LFW (see the
 * README: 400 faces, seed 1, `mixed` protocol), and are reported on a different seed.
 */
export function createClassicalQuality(options: ClassicalQualityOptions = {}): QualityEstimator & {
  terms(face: AlignedFace): ClassicalQualityTerms;
} {
  const { minSide = 8, fullSide = 112, sharpnessHalf = 0.1, noiseHalf = 6, weights = [1, 0.25, 0.15] } = options;
  const terms = (face: AlignedFace): ClassicalQualityTerms => {
    const img = face.image;
    const side = Math.min(img.width, img.height);
    const size = clamp01(Math.log(side / minSide) / Math.log(fullSide / minSide));
    const { gray, w, h } = faceRegion(img);
    const sharpnessRatio = laplacianRatio(gray, w, h);
    const noiseSigma = noiseStd(gray, w, h);
    return {
      size,
      sharpness: sharpnessRatio / (sharpnessRatio + sharpnessHalf),
      noise: 1 / (1 + (noiseSigma / noiseHalf) ** 2),
      sharpnessRatio,
      noiseSigma,
    };
  };
  return {
    name: 'classical',
    terms,
    async estimate(faces: readonly AlignedFace[]): Promise<number[]> {
      return faces.map((f) => {
        const t = terms(f);
        return t.size ** weights[0] * t.sharpness ** weights[1] * t.noise ** weights[2];
      });
    },
  };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/**
 * Grey levels (BT.601 luma) of the face's inner region: x in [20%, 80%], y in [30%, 90%] of the
 * aligned crop, where the template puts the eyes, nose and mouth. The crop's borders (hair,
 * background, black warp padding) would otherwise dominate both measures.
 */
function faceRegion(img: RgbImage): { gray: Float32Array; w: number; h: number } {
  const x0 = Math.floor(img.width * 0.2), x1 = Math.max(x0 + 1, Math.ceil(img.width * 0.8));
  const y0 = Math.floor(img.height * 0.3), y1 = Math.max(y0 + 1, Math.ceil(img.height * 0.9));
  const w = x1 - x0, h = y1 - y0;
  const gray = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = ((y + y0) * img.width + x + x0) * 3;
      gray[y * w + x] = 0.299 * img.data[p] + 0.587 * img.data[p + 1] + 0.114 * img.data[p + 2];
    }
  }
  return { gray, w, h };
}

/** var(4-neighbour Laplacian) / var(grey) over the interior; 0 when there is no interior or no contrast. */
function laplacianRatio(g: Float32Array, w: number, h: number): number {
  if (w < 3 || h < 3) return 0;
  let sl = 0, sl2 = 0, sg = 0, sg2 = 0, n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const lap = g[i - 1] + g[i + 1] + g[i - w] + g[i + w] - 4 * g[i];
      sl += lap; sl2 += lap * lap;
      sg += g[i]; sg2 += g[i] * g[i];
      n++;
    }
  }
  const varLap = sl2 / n - (sl / n) ** 2;
  const varGray = sg2 / n - (sg / n) ** 2;
  return varGray > 1e-6 ? varLap / varGray : 0;
}

/** Robust noise sigma from the median absolute response to Immerkaer's kernel (norm 6). */
function noiseStd(g: Float32Array, w: number, h: number): number {
  if (w < 3 || h < 3) return 0;
  const r: number[] = [];
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const v = g[i - w - 1] - 2 * g[i - w] + g[i - w + 1]
        - 2 * g[i - 1] + 4 * g[i] - 2 * g[i + 1]
        + g[i + w - 1] - 2 * g[i + w] + g[i + w + 1];
      r.push(Math.abs(v));
    }
  }
  r.sort((a, b) => a - b);
  const mid = r.length >> 1;
  const median = r.length % 2 ? r[mid] : (r[mid - 1] + r[mid]) / 2;
  return (1.4826 * median) / 6;
}
