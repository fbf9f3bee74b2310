import type { Point } from './geometry';
import { applyAffine, scaleAffine } from './similarity';

/** ArcFace five-point template for a 112x112 crop: left eye, right eye, nose, left mouth, right mouth. */
export const ARCFACE_TEMPLATE_112: readonly Point[] = Object.freeze([
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
] as Point[]);

/** The same five points as used for FFHQ-style 512x512 crops (GFPGAN, CodeFormer). */
export const FFHQ_TEMPLATE_512: readonly Point[] = Object.freeze([
  [192.98, 239.95],
  [318.9, 240.19],
  [256.63, 314.02],
  [201.26, 371.41],
  [313.09, 371.15],
] as Point[]);

/**
 * A template made for a `base`-pixel crop, moved to a `size`-pixel crop of the same area.
 * Pixel centres stay centres ((x + 0.5) scales), so a crop aligned to the scaled template and then
 * resized to `base` with a centre-aligned resize lands on the original template.
 */
export function scaleTemplate(template: readonly Point[], size: number, base: number): Point[] {
  const m = scaleAffine(base, size);
  return template.map((p) => applyAffine(m, p));
}
