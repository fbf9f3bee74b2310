import { SquintError, type RgbImage } from '@squint/core';

/** The shape of ImageData without needing a DOM: 8-bit RGBA, row-major, no padding. */
export interface RgbaPixels {
  readonly width: number;
  readonly height: number;
  readonly data: ArrayLike<number> & { readonly length: number };
}

/**
 * RGBA to RGB, compositing transparent pixels over white as @squint/node does (sharp's
 * flatten), so both runtimes hand the models the same pixels. Merely dropping alpha would
 * expose whatever colour lies under transparent pixels, often black, which a detector reads as
 * content. Opaque pixels are copied unchanged.
 */
export function rgbaToRgb(pixels: RgbaPixels, label?: string): RgbImage {
  const { width, height, data } = pixels;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new SquintError('IMAGE_DECODE', `image has size ${width}x${height}; width and height must be positive integers`, { input: label });
  }
  const count = width * height;
  if (data.length !== count * 4) {
    throw new SquintError('IMAGE_DECODE', `RGBA data for ${width}x${height} needs ${count * 4} bytes, got ${data.length}; pass ImageData or an object with the same layout`, { input: label });
  }
  const out = new Uint8Array(count * 3);
  for (let i = 0, j = 0; i < count; i++, j += 4) {
    const a = data[j + 3];
    if (a === 255) {
      out[i * 3] = data[j];
      out[i * 3 + 1] = data[j + 1];
      out[i * 3 + 2] = data[j + 2];
    } else {
      const white = 255 * (255 - a);
      for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round((data[j + c] * a + white) / 255);
    }
  }
  return { width, height, data: out };
}
