import { describe, expect, it } from 'vitest';
import type { RgbImage } from './image';
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

  it('validates the output size', () => {
    expect(() => warpAffine(src, [1, 0, 0, 0, 1, 0], 0, 4)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
