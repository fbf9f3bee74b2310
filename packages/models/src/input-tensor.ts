import { SquintError, type RgbImage } from '@squint/core';
import type { ModelInputFacts } from './descriptors';

/** Luma weights (ITU-R BT.601), what OpenCV's RGB2GRAY uses. */
const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Writes a model-sized window of `image` into item `index` of a batch tensor laid out as `facts`
 * says (channel order, NCHW/NHWC, (x - mean) / std). The window's top-left corner is at `origin`
 * in the image; pixels of the window outside the image are the normalised mean (zero), so padding
 * reads as "nothing" rather than as black content.
 */
export function writeInput(target: Float32Array, index: number, image: RgbImage, facts: ModelInputFacts, origin = { x: 0, y: 0 }): void {
  const { width: w, height: h } = facts;
  if (!Number.isInteger(origin.x) || !Number.isInteger(origin.y)) {
    throw new SquintError('INVALID_ARGUMENT', `input window origin must be whole pixels, got (${origin.x}, ${origin.y})`);
  }
  const channels = facts.color === 'gray' ? 1 : 3;
  const plane = w * h;
  const base = index * plane * channels;
  const src = image.data;
  const scale = facts.std.map((s) => 1 / s);
  const mean = facts.mean;
  const order = facts.color === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  // Channel c of pixel p sits at base + c * cStride + p * pStride.
  const cStride = facts.layout === 'NCHW' ? plane : 1;
  const pStride = facts.layout === 'NCHW' ? 1 : channels;
  // Zero (= mean) first; then only the part of the window that the image covers is written.
  target.fill(0, base, base + plane * channels);
  const x0 = Math.max(0, -origin.x), x1 = Math.min(w, image.width - origin.x);
  const y0 = Math.max(0, -origin.y), y1 = Math.min(h, image.height - origin.y);
  if (channels === 1) {
    const [wr, wg, wb] = LUMA;
    const m = mean[0], k = scale[0];
    for (let y = y0; y < y1; y++) {
      let q = ((y + origin.y) * image.width + origin.x + x0) * 3;
      let t = base + (y * w + x0) * pStride;
      for (let x = x0; x < x1; x++, q += 3, t += pStride) target[t] = (wr * src[q] + wg * src[q + 1] + wb * src[q + 2] - m) * k;
    }
    return;
  }
  for (let c = 0; c < 3; c++) {
    const from = order[c], m = mean[c], k = scale[c];
    for (let y = y0; y < y1; y++) {
      let q = ((y + origin.y) * image.width + origin.x + x0) * 3 + from;
      let t = base + c * cStride + (y * w + x0) * pStride;
      for (let x = x0; x < x1; x++, q += 3, t += pStride) target[t] = (src[q] - m) * k;
    }
  }
}

/** Tensor dims for `n` items of this input. */
export function inputDims(n: number, facts: ModelInputFacts): number[] {
  const c = facts.color === 'gray' ? 1 : 3;
  return facts.layout === 'NCHW' ? [n, c, facts.height, facts.width] : [n, facts.height, facts.width, c];
}
