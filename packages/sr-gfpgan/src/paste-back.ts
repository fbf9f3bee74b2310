import { applyAffine, invertAffine, type Affine, type RgbImage } from '@squint/core';

export interface PasteBackOptions {
  /** Soft edge width as a fraction of the crop side. Default 0.1. */
  feather?: number;
  /** Hard margin (fraction of the side) left at the crop border, where warps carry black fill. Default 0.02. */
  margin?: number;
}

/**
 * Mask weight at crop pixel (u, v): 0 outside the crop and within `margin` of its border, rising
 * smoothly (smoothstep) to 1 over `feather`; restored content then fades into the frame.
 */
export function pasteMask(u: number, v: number, side: number, margin: number, feather: number): number {
  const d = Math.min(u + 0.5, v + 0.5, side - u - 0.5, side - v - 0.5);
  const t = (d - margin) / feather;
  if (t <= 0) return 0;
  if (t >= 1) return 1;
  return t * t * (3 - 2 * t);
}

/**
 * Pastes a square `crop` (made from `frame` by `m`: frame -> crop pixels) back into a copy of the
 * frame: each frame pixel under the crop samples it bilinearly and blends by the mask. Only the
 * crop's footprint is visited, so the cost follows the face size, not the frame size.
 */
export function pasteBack(frame: RgbImage, crop: RgbImage, m: Affine, options: PasteBackOptions = {}): RgbImage {
  const side = crop.width;
  const margin = (options.margin ?? 0.02) * side, feather = (options.feather ?? 0.1) * side;
  const inv = invertAffine(m);
  const corners = [[-0.5, -0.5], [side - 0.5, -0.5], [-0.5, side - 0.5], [side - 0.5, side - 0.5]].map((p) => applyAffine(inv, p as [number, number]));
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0])))), x1 = Math.min(frame.width - 1, Math.ceil(Math.max(...corners.map((p) => p[0]))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1])))), y1 = Math.min(frame.height - 1, Math.ceil(Math.max(...corners.map((p) => p[1]))));
  const data = frame.data.slice();
  const c = crop.data;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const u = m[0] * x + m[1] * y + m[2], v = m[3] * x + m[4] * y + m[5];
      const w = pasteMask(u, v, side, margin, feather);
      if (w === 0) continue;
      const ua = Math.min(side - 1, Math.max(0, Math.floor(u))), va = Math.min(side - 1, Math.max(0, Math.floor(v)));
      const ub = Math.min(side - 1, ua + 1), vb = Math.min(side - 1, va + 1);
      const fu = Math.min(1, Math.max(0, u - ua)), fv = Math.min(1, Math.max(0, v - va));
      const p = (y * frame.width + x) * 3;
      for (let k = 0; k < 3; k++) {
        const top = c[(va * side + ua) * 3 + k] * (1 - fu) + c[(va * side + ub) * 3 + k] * fu;
        const bottom = c[(vb * side + ua) * 3 + k] * (1 - fu) + c[(vb * side + ub) * 3 + k] * fu;
        const r = top * (1 - fv) + bottom * fv;
        data[p + k] = Math.round(data[p + k] * (1 - w) + r * w);
      }
    }
  }
  return { width: frame.width, height: frame.height, data };
}
