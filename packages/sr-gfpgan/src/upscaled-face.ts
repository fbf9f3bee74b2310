import { composeAffine, resize, type Affine, type AlignedFace, type ResizeMethod, type RgbImage } from '@squint/core';

/**
 * Pixel-centre map from a w0 x h0 image to a w1 x h1 image of the same area:
 * x' + 0.5 = (x + 0.5) * w1 / w0 (and likewise in y).
 */
export function resampleAffine(w0: number, h0: number, w1: number, h1: number): Affine {
  const fx = w1 / w0, fy = h1 / h0;
  return [fx, 0, 0.5 * fx - 0.5, 0, fy, 0.5 * fy - 0.5];
}

/**
 * The same face carried by a new image that covers the same aligned area at another resolution.
 * Composing the resampling into `transform` keeps its meaning: source pixels -> these pixels.
 */
export function withUpscaledImage(face: AlignedFace, image: RgbImage): AlignedFace {
  const { width: w0, height: h0 } = face.image;
  if (image.width === w0 && image.height === h0) return { ...face, image };
  const transform = face.transform ? composeAffine(face.transform, resampleAffine(w0, h0, image.width, image.height)) : undefined;
  return { ...face, image, transform };
}

/** Output size for an upscale by `scale`, capped so the longer side is at most `maxSize`. */
export function cappedSize(width: number, height: number, scale: number, maxSize: number): { width: number; height: number } {
  const f = Math.min(scale, maxSize / Math.max(width, height));
  if (f <= 1) return { width, height };
  return { width: Math.max(1, Math.round(width * f)), height: Math.max(1, Math.round(height * f)) };
}

/** Brings an upscaled image down to `width` x `height` when the model's fixed scale overshot the cap. */
export function fitTo(image: RgbImage, width: number, height: number, method: ResizeMethod = 'bicubic'): RgbImage {
  return image.width === width && image.height === height ? image : resize(image, width, height, method);
}
