import { SquintError, type RgbImage } from '@squint/core';

export type TensorLayout = 'nchw' | 'nhwc';
/** The numbers a model sees for pixel values 0 and 255, e.g. [0, 1], [0, 255], [-1, 1]. */
export type ValueRange = readonly [number, number];

export function checkRange(range: ValueRange, what: string): void {
  if (!Array.isArray(range) || range.length !== 2 || !Number.isFinite(range[0]) || !Number.isFinite(range[1]) || range[0] === range[1]) {
    throw new SquintError('INVALID_ARGUMENT', `${what} must be two different finite numbers such as [0, 1] or [-1, 1], got ${JSON.stringify(range)}`);
  }
}

/** Packs equally sized RGB images into one float batch. */
export function imagesToTensor(images: readonly RgbImage[], layout: TensorLayout, range: ValueRange): Float32Array {
  const { width: w, height: h } = images[0];
  const plane = w * h;
  const out = new Float32Array(images.length * plane * 3);
  const k = (range[1] - range[0]) / 255, b = range[0];
  images.forEach((img, n) => {
    const src = img.data, base = n * plane * 3;
    if (layout === 'nhwc') {
      for (let i = 0; i < plane * 3; i++) out[base + i] = src[i] * k + b;
    } else {
      for (let i = 0; i < plane; i++) {
        out[base + i] = src[i * 3] * k + b;
        out[base + plane + i] = src[i * 3 + 1] * k + b;
        out[base + 2 * plane + i] = src[i * 3 + 2] * k + b;
      }
    }
  });
  return out;
}

/**
 * Unpacks item `n` of a batch into interleaved RGB floats on the 0-255 scale (not yet rounded, so
 * that tiles can be blended before quantising). Non-finite values mean a broken model or input.
 */
export function tensorItemToPixels(data: Float32Array, n: number, width: number, height: number, layout: TensorLayout, range: ValueRange, label: string): Float32Array {
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  const k = 255 / (range[1] - range[0]), b = range[0];
  const base = n * plane * 3;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = layout === 'nhwc' ? data[base + i * 3 + c] : data[base + c * plane + i];
      if (!Number.isFinite(v)) {
        throw new SquintError('MODEL_OUTPUT', `output has a non-finite value (${v}) at pixel ${i % width},${Math.floor(i / width)} of item ${n}; the model or its input range is wrong`, { input: label });
      }
      out[i * 3 + c] = (v - b) * k;
    }
  }
  return out;
}

export function pixelsToImage(pixels: Float32Array, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  new Uint8ClampedArray(data.buffer).set(pixels); // clamps to 0-255 and rounds
  return { width, height, data };
}
