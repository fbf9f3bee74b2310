// Test fixture (not published, not built): faces in the @vladmandic/face-api demo photos, and a
// way to make varied "photos" of each, shared by the runner and quality-protocol tests.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { warpAffine, type RgbImage } from '@squint/core';

export const DEMO_PHOTOS = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');

/** Faces in the demo photos (sample number, [x, y, width, height]), found once with the default detector. */
export const DEMO_FACES: [sample: number, box: [number, number, number, number]][] = [
  [1, [411, 357, 189, 239]], [1, [828, 425, 204, 231]], [2, [1443, 168, 203, 222]], [4, [990, 178, 175, 251]],
  [5, [1120, 206, 155, 228]], [6, [259, 482, 211, 275]], [6, [1173, 302, 192, 277]],
];

/** A 160x160 "photo" around a face: `shift` moves the window, `zoom` changes the margin. */
export function photoOf(src: RgbImage, [x, y, w, h]: number[], shift: number, zoom: number): RgbImage {
  const side = 1.7 * Math.max(w, h) * zoom;
  const s = 160 / side;
  const cx = x + w / 2 + shift * w;
  const cy = y + h / 2 - shift * h;
  return warpAffine(src, [s, 0, 80 - s * cx, 0, s, 80 - s * cy], 160, 160, { border: 'replicate' });
}
