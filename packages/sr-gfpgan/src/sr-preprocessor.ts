import { SquintError, type AlignedFace, type Preprocessor, type RgbImage } from '@squint/core';
import { cappedSize, fitTo, withUpscaledImage } from './upscaled-face';

/**
 * Upscales a group of equally sized images towards `target`. It may return the model's natural
 * size (e.g. x4) instead; the caller brings each result to `target`.
 */
export type GroupUpscaler = (images: RgbImage[], target: { width: number; height: number }) => Promise<RgbImage[]>;

export interface UpscalingOptions {
  /** Nominal factor (the model's, or the classical resize's). */
  scale: number;
  /** Longest side of an output face; faces already this big pass through untouched. Default 112. */
  maxSize?: number;
}

/**
 * The Preprocessor contract shared by every super-resolution option: faces of equal size run as one
 * group (one batched inference), outputs are capped at `maxSize`, and each face's transform is
 * rescaled so it still maps source pixels onto the new aligned pixels.
 */
export function createUpscalingPreprocessor(name: string, options: UpscalingOptions, upscale: GroupUpscaler): Preprocessor {
  const { scale } = options;
  const maxSize = options.maxSize ?? 112;
  if (!(scale > 1) || !Number.isFinite(scale)) throw new SquintError('INVALID_ARGUMENT', `${name}: scale must be a number > 1, got ${scale}`);
  if (!Number.isInteger(maxSize) || maxSize < 1) throw new SquintError('INVALID_ARGUMENT', `${name}: maxSize must be a positive integer, got ${maxSize}`);

  return {
    name,
    async process(faces: readonly AlignedFace[]): Promise<AlignedFace[]> {
      const out: AlignedFace[] = faces.slice();
      const groups = new Map<string, number[]>();
      faces.forEach((f, i) => {
        const { width, height } = f.image;
        if (Math.max(width, height) >= maxSize) return;
        const key = `${width}x${height}`;
        const g = groups.get(key);
        if (g) g.push(i);
        else groups.set(key, [i]);
      });
      for (const idx of groups.values()) {
        const { width, height } = faces[idx[0]].image;
        const target = cappedSize(width, height, scale, maxSize);
        const images = await upscale(idx.map((i) => faces[i].image), target);
        idx.forEach((i, k) => {
          out[i] = withUpscaledImage(faces[i], fitTo(images[k], target.width, target.height));
        });
      }
      return out;
    },
  };
}
