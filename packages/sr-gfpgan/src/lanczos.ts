import { SquintError, type RgbImage } from '@squint/core';

const A = 3;

function lanczos(x: number): number {
  if (x === 0) return 1;
  if (x <= -A || x >= A) return 0;
  const px = Math.PI * x;
  return (A * Math.sin(px) * Math.sin(px / A)) / (px * px);
}

/** Per output index: A*2 (widened when shrinking) source indices, clamped to the edge, and weights. */
function taps(inSize: number, outSize: number): { index: Int32Array; weight: Float64Array; n: number } {
  const scale = inSize / outSize;
  const widen = Math.max(1, scale); // shrinking widens the kernel, so it low-passes instead of aliasing
  const n = Math.ceil(A * widen) * 2 + 1;
  const index = new Int32Array(outSize * n), weight = new Float64Array(outSize * n);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale - 0.5;
    const first = Math.floor(centre) - (n >> 1);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const s = first + k;
      const w = lanczos((s - centre) / widen);
      index[i * n + k] = Math.min(inSize - 1, Math.max(0, s));
      weight[i * n + k] = w;
      sum += w;
    }
    for (let k = 0; k < n; k++) weight[i * n + k] /= sum;
  }
  return { index, weight, n };
}

/**
 * Lanczos-3 resize (pixel centres aligned, edge pixels replicated), separable: rows, then columns.
 * Core's resize has no Lanczos; the sharper kernel is the usual classical baseline for SR.
 */
export function lanczosResize(image: RgbImage, width: number, height: number): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new SquintError('INVALID_ARGUMENT', `resize target must be positive integers, got ${width}x${height}`);
  }
  const { width: w0, height: h0, data } = image;
  if (w0 < 1 || h0 < 1) throw new SquintError('IMAGE_TOO_SMALL', `cannot resize an empty ${w0}x${h0} image`);
  const tx = taps(w0, width), ty = taps(h0, height);
  const rows = new Float32Array(h0 * width * 3);
  for (let y = 0; y < h0; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < tx.n; k++) {
        const w = tx.weight[x * tx.n + k], p = (y * w0 + tx.index[x * tx.n + k]) * 3;
        r += w * data[p]; g += w * data[p + 1]; b += w * data[p + 2];
      }
      const d = (y * width + x) * 3;
      rows[d] = r; rows[d + 1] = g; rows[d + 2] = b;
    }
  }
  const out = new Uint8Array(width * height * 3);
  const clamped = new Uint8ClampedArray(out.buffer);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < ty.n; k++) {
        const w = ty.weight[y * ty.n + k], p = (ty.index[y * ty.n + k] * width + x) * 3;
        r += w * rows[p]; g += w * rows[p + 1]; b += w * rows[p + 2];
      }
      const d = (y * width + x) * 3;
      clamped[d] = r; clamped[d + 1] = g; clamped[d + 2] = b;
    }
  }
  return { width, height, data: out };
}
