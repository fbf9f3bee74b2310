import type { Point } from './geometry';

/**
 * Cheap sanity test for five points found on a tiny, upscaled crop: a landmark model always
 * answers, even on a blur, so we keep its points only when they look like a frontal-ish face
 * inside the crop. Otherwise the crop-to-template rule is the safer guess.
 */
export function plausibleLandmarks(p: Point[], width: number, height: number): boolean {
  if (p.length !== 5 || p.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) return false;
  const [le, re, nose, lm, rm] = p;
  const inside = p.every(([x, y]) => x >= -0.1 * width && x <= 1.1 * width && y >= -0.1 * height && y <= 1.1 * height);
  const eyeDist = Math.hypot(re[0] - le[0], re[1] - le[1]);
  const size = Math.max(width, height);
  const eyesY = (le[1] + re[1]) / 2;
  const mouthY = (lm[1] + rm[1]) / 2;
  return inside &&
    re[0] > le[0] && rm[0] > lm[0] &&
    eyeDist > 0.15 * size && eyeDist < 0.8 * size &&
    nose[1] > eyesY && mouthY > nose[1] &&
    mouthY - eyesY > 0.15 * size;
}
