import { describe, expect, it } from 'vitest';
import type { Affine } from './geometry';
import type { RgbImage } from './image';
import { applyAffine, invertAffine } from './similarity';
import { warpAffine } from './warp';

function randomImage(width: number, height: number, seed = 1): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  return { width, height, data };
}

const px = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('warpAffine', () => {
  const src = randomImage(20, 15);

  it('shifts pixels exactly by an integer translation (constant border is black)', () => {
    const out = warpAffine(src, [1, 0, 3, 0, 1, -2], 20, 15);
    for (let y = 0; y < 15; y++) {
      for (let x = 0; x < 20; x++) {
        const sx = x - 3, sy = y + 2;
        const inside = sx >= 0 && sy < 15;
        expect(px(out, x, y)).toEqual(inside ? px(src, sx, sy) : [0, 0, 0]);
      }
    }
  });

  it('replicates the edge pixel with border replicate', () => {
    const out = warpAffine(src, [1, 0, 3, 0, 1, 0], 20, 15, { border: 'replicate' });
    for (let y = 0; y < 15; y++) {
      for (let x = 0; x < 3; x++) expect(px(out, x, y)).toEqual(px(src, 0, y));
    }
  });

  it('interpolates bilinearly between pixel centres', () => {
    const img: RgbImage = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 200, 100, 40]) };
    // Output pixel 0 samples source x = 0.25.
    const out = warpAffine(img, [1, 0, -0.25, 0, 1, 0], 1, 1);
    expect(Array.from(out.data)).toEqual([50, 25, 10]);
  });

  it('averages the footprint when shrinking strongly (no aliasing)', () => {
    // One-pixel stripes: plain point sampling at 1/4 scale would return a single stripe colour.
    const w = 64, h = 64;
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.fill(x % 2 ? 255 : 0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const s = 0.25;
    const out = warpAffine({ width: w, height: h, data }, [s, 0, 0.5 * s - 0.5, 0, s, 0.5 * s - 0.5], 16, 16);
    for (let i = 0; i < out.data.length; i++) expect(Math.abs(out.data[i] - 127.5)).toBeLessThanOrEqual(1);
  });

  it('keeps geometry exact through the shrink pre-filter (a ramp stays the ramp)', () => {
    // value = 0.6 x + 0.3 y: box averages and bilinear taps both reproduce a ramp, so any error
    // beyond 8-bit rounding is a geometric offset, which shows as a bias of the mean error.
    const w = 300, h = 200;
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.fill(Math.round(0.6 * x + 0.3 * y), (y * w + x) * 3, (y * w + x) * 3 + 3);
    const img = { width: w, height: h, data };
    for (const [s, angle] of [[0.3, 0.2], [0.24, -0.4], [0.11, 0]]) {
      const c = Math.cos(angle) * s, sn = Math.sin(angle) * s;
      const m: Affine = [c, -sn, -20 * s, sn, c, -15 * s];
      const out = warpAffine(img, m, 24, 24);
      const inv = invertAffine(m);
      let bias = 0, n = 0;
      for (let y = 0; y < 24; y++) for (let x = 0; x < 24; x++) {
        const [sx, sy] = applyAffine(inv, [x, y]);
        if (sx < 2 / s || sy < 2 / s || sx > w - 2 / s || sy > h - 2 / s) continue;
        const err = out.data[(y * 24 + x) * 3] - (0.6 * sx + 0.3 * sy);
        expect(Math.abs(err), `scale ${s} at ${x},${y}`).toBeLessThanOrEqual(1);
        bias += err;
        n++;
      }
      expect(n).toBeGreaterThan(50);
      expect(Math.abs(bias / n), `scale ${s}`).toBeLessThan(0.15);
    }
  });

  it('validates the output size', () => {
    expect(() => warpAffine(src, [1, 0, 0, 0, 1, 0], 0, 4)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
