import { describe, expect, it } from 'vitest';
import type { Point } from './geometry';
import { plausibleLandmarks } from './landmark-check';
import { ARCFACE_TEMPLATE_112 } from './template';

describe('plausibleLandmarks', () => {
  const t = ARCFACE_TEMPLATE_112 as Point[];
  it('accepts the template itself, scaled to a 16 px crop', () => {
    expect(plausibleLandmarks(t, 112, 112)).toBe(true);
    expect(plausibleLandmarks(t.map(([x, y]) => [x / 7, y / 7] as Point), 16, 16)).toBe(true);
  });
  it('rejects swapped eyes, a mouth above the nose, collapsed points, NaN and points far outside', () => {
    expect(plausibleLandmarks([t[1], t[0], t[2], t[3], t[4]], 112, 112)).toBe(false);
    expect(plausibleLandmarks([t[0], t[1], t[2], [41, 60], [70, 60]], 112, 112)).toBe(false);
    expect(plausibleLandmarks(t.map(() => [56, 56] as Point), 112, 112)).toBe(false);
    expect(plausibleLandmarks([t[0], t[1], [NaN, 70], t[3], t[4]], 112, 112)).toBe(false);
    expect(plausibleLandmarks(t.map(([x, y]) => [x + 200, y] as Point), 112, 112)).toBe(false);
  });
});
