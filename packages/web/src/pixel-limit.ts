import { SquintError } from '@squint/core';

/**
 * 50 megapixels: larger than any camera photo a face pipeline needs, small enough that the RGBA
 * canvas the browser must allocate (4 bytes per pixel) stays around 200 MB. Browsers cap canvas
 * area themselves (iOS Safari at about 16.7 MP), so a page may want a lower limit.
 */
export const DEFAULT_PIXEL_LIMIT = 50_000_000;

export function checkPixelLimit(width: number, height: number, limit: number, label?: string): void {
  if (width * height > limit) {
    throw new SquintError('IMAGE_TOO_LARGE', `image is ${width}x${height} (${width * height} pixels), above the limit of ${limit}; shrink it first or raise pixelLimit`, { input: label });
  }
}
