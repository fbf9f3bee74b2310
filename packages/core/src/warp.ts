import { SquintError } from './errors';
import type { Affine } from './geometry';
import type { RgbImage } from './image';
import { affineScale, applyAffine, composeAffine, invertAffine } from './similarity';

export interface WarpOptions {
  /**
   * What lies outside the source: `constant` is black (what ArcFace-style training crops used,
   * via OpenCV's default), `replicate` repeats the edge pixel.
   */
  border?: 'replicate' | 'constant';
}

/**
 * Warps `image` by `m` (source -> destination pixel-centre coordinates) into a width x height image,
 * sampling bilinearly at the inverse-mapped destination pixel centres.
 *
 * Anti-aliasing: when the warp shrinks by more than 2x (scale < 0.5), a single bilinear tap per
 * output pixel would skip source pixels and alias. The part of the source the output needs is then
 * first box-averaged by the integer factor f = floor(1 / scale) (an exact area pre-filter), and the
 * reduced image is warped with the remaining scale, which lies in [0.5, 1]. This costs one add per
 * source pixel of the region, where supersampling each output pixel cost ~10x more for large faces,
 * and never touches the rest of a large photo.
 */
export function warpAffine(image: RgbImage, m: Affine, width: number, height: number, options: WarpOptions = {}): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new SquintError('INVALID_ARGUMENT', `warp output size must be positive integers, got ${width}x${height}`);
  }
  if (image.width < 1 || image.height < 1) {
    throw new SquintError('IMAGE_TOO_SMALL', `cannot warp an empty ${image.width}x${image.height} image`);
  }
  const scale = affineScale(m);
  if (scale < 0.5) {
    const reduced = boxReduce(image, invertAffine(m), width, height, Math.floor(1 / scale));
    if (reduced) return warpAffine(reduced.image, composeAffine(reduced.toSource, m), width, height, options);
  }
  const [ia, ib, itx, ic, id, ity] = invertAffine(m);
  const replicate = options.border === 'replicate';
  const out = new Uint8Array(width * height * 3);
  const clamped = new Uint8ClampedArray(out.buffer);
  const { width: w, height: h, data } = image;
  const acc = new Float64Array(3);

  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = ia * x + ib * y + itx, sy = ic * x + id * y + ity;
      const x0 = Math.floor(sx), y0 = Math.floor(sy);
      const o = (y * width + x) * 3;
      if (x0 >= 0 && y0 >= 0 && x0 < w - 1 && y0 < h - 1) {
        // Fast path: all four neighbours inside, whatever the border mode.
        const fx = sx - x0, fy = sy - y0;
        const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
        const p = (y0 * w + x0) * 3, q = p + w * 3;
        for (let c = 0; c < 3; c++) {
          clamped[o + c] = w00 * data[p + c] + w01 * data[p + 3 + c] + w10 * data[q + c] + w11 * data[q + 3 + c];
        }
      } else {
        acc[0] = acc[1] = acc[2] = 0;
        sampleAtBorder(image, sx, sy, replicate, acc);
        clamped[o] = acc[0];
        clamped[o + 1] = acc[1];
        clamped[o + 2] = acc[2];
      }
    }
  }
  return { width, height, data: out };
}

/**
 * Box-averages, by an integer factor f, the source region that an output of width x height needs
 * (`inv`: destination -> source). Partial blocks at the image edge average the pixels they have.
 * Returns the reduced image and its map back to source coordinates, or nothing if the output
 * sees no part of the image.
 */
function boxReduce(image: RgbImage, inv: Affine, width: number, height: number, f: number): { image: RgbImage; toSource: Affine } | undefined {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [u, v] of [[-0.5, -0.5], [width - 0.5, -0.5], [-0.5, height - 0.5], [width - 0.5, height - 0.5]]) {
    const [x, y] = applyAffine(inv, [u, v]);
    minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  const pad = 2 * f; // room for the bilinear neighbours of the reduced image
  const x0 = Math.max(0, Math.floor(minX) - pad), x1 = Math.min(image.width, Math.ceil(maxX) + pad + 1);
  const y0 = Math.max(0, Math.floor(minY) - pad), y1 = Math.min(image.height, Math.ceil(maxY) + pad + 1);
  if (x1 <= x0 || y1 <= y0) return undefined;
  const rw = Math.ceil((x1 - x0) / f), rh = Math.ceil((y1 - y0) / f);
  const sums = new Float64Array(rw * rh * 3);
  const { width: w, data } = image;
  for (let y = y0; y < y1; y++) {
    let o = Math.floor((y - y0) / f) * rw * 3;
    let p = (y * w + x0) * 3;
    for (let x = x0; x < x1; o += 3) {
      let r = 0, g = 0, b = 0;
      for (const end = Math.min(x1, x + f); x < end; x++, p += 3) {
        r += data[p]; g += data[p + 1]; b += data[p + 2];
      }
      sums[o] += r; sums[o + 1] += g; sums[o + 2] += b;
    }
  }
  const out = new Uint8ClampedArray(rw * rh * 3);
  for (let Y = 0; Y < rh; Y++) {
    const rows = Math.min(f, y1 - y0 - Y * f);
    for (let X = 0; X < rw; X++) {
      const n = rows * Math.min(f, x1 - x0 - X * f);
      const o = (Y * rw + X) * 3;
      out[o] = sums[o] / n;
      out[o + 1] = sums[o + 1] / n;
      out[o + 2] = sums[o + 2] / n;
    }
  }
  // Reduced pixel X covers source pixels x0 + fX .. x0 + fX + f - 1: its centre is x0 + fX + (f - 1) / 2.
  const toSource: Affine = [f, 0, x0 + (f - 1) / 2, 0, f, y0 + (f - 1) / 2];
  return { image: { width: rw, height: rh, data: new Uint8Array(out.buffer) }, toSource };
}

/** Adds the bilinear sample at (sx, sy), some of whose neighbours lie outside the image, to acc. */
function sampleAtBorder(img: RgbImage, sx: number, sy: number, replicate: boolean, acc: Float64Array): void {
  const { width: w, height: h, data } = img;
  const x0 = Math.floor(sx), y0 = Math.floor(sy);
  const fx = sx - x0, fy = sy - y0;
  let wx0 = 1 - fx, wx1 = fx, wy0 = 1 - fy, wy1 = fy;
  if (!replicate) {
    // Constant (black) border: neighbours outside the image contribute nothing.
    if (x0 < 0 || x0 >= w) wx0 = 0;
    if (x0 + 1 < 0 || x0 + 1 >= w) wx1 = 0;
    if (y0 < 0 || y0 >= h) wy0 = 0;
    if (y0 + 1 < 0 || y0 + 1 >= h) wy1 = 0;
    if ((wx0 === 0 && wx1 === 0) || (wy0 === 0 && wy1 === 0)) return;
  }
  const xa = x0 < 0 ? 0 : x0 >= w ? w - 1 : x0;
  const xb = x0 + 1 < 0 ? 0 : x0 + 1 >= w ? w - 1 : x0 + 1;
  const ya = y0 < 0 ? 0 : y0 >= h ? h - 1 : y0;
  const yb = y0 + 1 < 0 ? 0 : y0 + 1 >= h ? h - 1 : y0 + 1;
  const p00 = (ya * w + xa) * 3, p01 = (ya * w + xb) * 3;
  const p10 = (yb * w + xa) * 3, p11 = (yb * w + xb) * 3;
  const w00 = wx0 * wy0, w01 = wx1 * wy0, w10 = wx0 * wy1, w11 = wx1 * wy1;
  for (let c = 0; c < 3; c++) {
    acc[c] += w00 * data[p00 + c] + w01 * data[p01 + c] + w10 * data[p10 + c] + w11 * data[p11 + c];
  }
}
