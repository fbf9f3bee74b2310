import { describe, expect, it } from 'vitest';
import { blendTiles, extractTile, planTiles } from './tiling';

describe('tiling', () => {
  it('covers the image with equal tiles that overlap by at least `overlap`', () => {
    const tiles = planTiles(100, 50, { size: 32, overlap: 6 });
    expect(new Set(tiles.map((t) => `${t.width}x${t.height}`))).toEqual(new Set(['32x32']));
    const covered = new Uint8Array(100 * 50);
    for (const t of tiles) for (let y = t.y; y < t.y + t.height; y++) for (let x = t.x; x < t.x + t.width; x++) covered[y * 100 + x] = 1;
    expect(covered.every((v) => v === 1)).toBe(true);
    const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
    for (let i = 1; i < xs.length; i++) expect(xs[i - 1] + 32 - xs[i]).toBeGreaterThanOrEqual(6);
    expect(planTiles(20, 20, { size: 32, overlap: 4 })).toEqual([{ x: 0, y: 0, width: 20, height: 20 }]);
  });

  it('blending tiles of one smooth x2 image reproduces it exactly', () => {
    const W = 40, H = 30, s = 2;
    const full = new Float32Array(W * s * H * s * 3).map((_, i) => (i * 7) % 251);
    const tiles = planTiles(W, H, { size: 16, overlap: 4 });
    const outs = tiles.map((t) => {
      const o = new Float32Array(t.width * s * t.height * s * 3);
      for (let j = 0; j < t.height * s; j++) for (let i = 0; i < t.width * s; i++) for (let c = 0; c < 3; c++) {
        o[(j * t.width * s + i) * 3 + c] = full[((t.y * s + j) * W * s + t.x * s + i) * 3 + c];
      }
      return o;
    });
    const blended = blendTiles(W * s, H * s, s, 4, tiles, outs);
    let maxDiff = 0;
    for (let i = 0; i < full.length; i++) maxDiff = Math.max(maxDiff, Math.abs(blended[i] - full[i]));
    expect(maxDiff).toBeLessThan(1e-3);
  });

  it('extracts tiles replicating the edge where they hang over', () => {
    const data = new Uint8Array(3 * 2 * 3).map((_, i) => i);
    const t = extractTile(data, 3, 2, { x: 1, y: 1, width: 3, height: 2 });
    // row y=1 (x = 1, 2, 2 replicated), then y=2 clamps to y=1
    expect([...t.subarray(0, 9)]).toEqual([12, 13, 14, 15, 16, 17, 15, 16, 17]);
    expect([...t.subarray(9)]).toEqual([...t.subarray(0, 9)]);
  });
});
