import { SquintError } from './errors';

/**
 * The one pixel format every stage speaks: 8-bit RGB, interleaved, row-major, no padding.
 * Runtimes (@squint/node, @squint/web) decode files, buffers and browser images into it.
 */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** length = width * height * 3 */
  readonly data: Uint8Array;
}

export function createImage(width: number, height: number, data?: Uint8Array): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new SquintError('INVALID_ARGUMENT', `image size must be non-negative integers, got ${width}x${height}`);
  }
  const size = width * height * 3;
  if (data && data.length !== size) {
    throw new SquintError('INVALID_ARGUMENT', `RGB image ${width}x${height} needs ${size} bytes (width x height x 3), got ${data.length}`);
  }
  return { width, height, data: data ?? new Uint8Array(size) };
}

/** Mirror left-right (test-time flip augmentation, embedding-stability quality). */
export function flipHorizontal(img: RgbImage): RgbImage {
  const out = new Uint8Array(img.data.length);
  const { width: w, height: h } = img;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const d = (y * w + (w - 1 - x)) * 3;
      out[d] = img.data[s];
      out[d + 1] = img.data[s + 1];
      out[d + 2] = img.data[s + 2];
    }
  }
  return { width: w, height: h, data: out };
}
