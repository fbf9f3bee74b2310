import { SquintError } from './errors';
import type { Affine } from './geometry';
import type { RgbImage } from './image';
import { affineScale, invertAffine } from './similarity';

export interface WarpOptions {
  /**
   * What lies outside the source: `constant` is black (what ArcFace-style training crops used,
   * via OpenCV's default), `replicate` repeats the edge pixel.
   */
  border?: 'replicate' | 'constant';
}

/** Above this many samples per axis the extra cost buys little more anti-aliasing. */
const MAX_SAMPLES_PER_AXIS = 16;

/**
 * Warps `image` by `m` (source -> destination pixel-centre coordinates) into a width x height image,
 * sampling bilinearly at the inverse-mapped destination pixel centres.
 *
 * Anti-aliasing: when the warp shrinks by more than 2x (scale < 0.5), a single bilinear tap per
 * output pixel would skip source pixels and alias. Each output pixel then averages an n x n grid
 * of bilinear samples spread over its footprint, n = ceil(1 / scale) (capped at 16), so the samples
 * are at most one source pixel apart: a box filter the size of the footprint. Supersampling was chosen
 * over pre-shrinking the source because it only touches the pixels the crop needs, whatever the size
 * of the source image.
 */
export function warpAffine(image: RgbImage, m: Affine, width: number, height: number, options: WarpOptions = {}): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new SquintError('INVALID_ARGUMENT', `warp output size must be positive integers, got ${width}x${height}`);
  }
  if (image.width < 1 || image.height < 1) {
    throw new SquintError('IMAGE_TOO_SMALL', `cannot warp an empty ${image.width}x${image.height} image`);
  }
  const [ia, ib, itx, ic, id, ity] = invertAffine(m);
  const scale = affineScale(m);
  const n = scale < 0.5 ? Math.min(MAX_SAMPLES_PER_AXIS, Math.ceil(1 / scale)) : 1;
  const replicate = options.border === 'replicate';
  const out = new Uint8Array(width * height * 3);
  const clamped = new Uint8ClampedArray(out.buffer);
  const { width: w, height: h, data } = image;
  const inv = 1 / (n * n);
  const acc = new Float64Array(3);

  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0;
      for (let j = 0; j < n; j++) {
        const v = y + (j + 0.5) / n - 0.5;
        for (let i = 0; i < n; i++) {
          const u = x + (i + 0.5) / n - 0.5;
          const sx = ia * u + ib * v + itx, sy = ic * u + id * v + ity;
          const x0 = Math.floor(sx), y0 = Math.floor(sy);
          if (x0 >= 0 && y0 >= 0 && x0 < w - 1 && y0 < h - 1) {
            // Fast path: all four neighbours inside, whatever the border mode.
            const fx = sx - x0, fy = sy - y0;
            const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
            const p = (y0 * w + x0) * 3, q = p + w * 3;
            r += w00 * data[p] + w01 * data[p + 3] + w10 * data[q] + w11 * data[q + 3];
            g += w00 * data[p + 1] + w01 * data[p + 4] + w10 * data[q + 1] + w11 * data[q + 4];
            b += w00 * data[p + 2] + w01 * data[p + 5] + w10 * data[q + 2] + w11 * data[q + 5];
          } else {
            acc[0] = acc[1] = acc[2] = 0;
            sampleAtBorder(image, sx, sy, replicate, acc);
            r += acc[0]; g += acc[1]; b += acc[2];
          }
        }
      }
      const o = (y * width + x) * 3;
      clamped[o] = r * inv;
      clamped[o + 1] = g * inv;
      clamped[o + 2] = b * inv;
    }
  }
  return { width, height, data: out };
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
