import { describe, expect, it } from 'vitest';
import { isSquintError } from '@squint/core';
import { planPyramid, type PyramidOptions } from './detection-pyramid';

const base: PyramidOptions = { inputWidth: 320, inputHeight: 240, minFaceSize: 16, targetFaceSize: 16, levelStep: 2, overlap: 48, maxTiles: 1000 };

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('planPyramid', () => {
  it('letterboxes the whole image into one centred tile', () => {
    const { levels, tiles } = planPyramid(1920, 1080, { ...base, minFaceSize: 1000 });
    expect(tiles).toHaveLength(1);
    expect(levels[0]).toMatchObject({ whole: true, width: 320, height: 180 });
    expect(tiles[0]).toMatchObject({ x: 0, y: -30 });
  });

  it('adds finer levels until a minFaceSize face is targetFaceSize pixels tall', () => {
    const plan = planPyramid(1920, 1280, base);
    const scales = plan.levels.map((l) => l.scale);
    expect(scales[0]).toBeCloseTo(1 / 6);
    expect(scales.slice(1)).toEqual([1, 0.5, 0.25]);
    expect(plan.minFaceSize).toBe(16);
    // Each tiled level is covered edge to edge by tiles overlapping by at least `overlap`.
    plan.levels.forEach((l, i) => {
      if (l.whole) return;
      const tiles = plan.tiles.filter((t) => t.level === i);
      const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
      expect(xs[0]).toBe(0);
      expect(xs[xs.length - 1] + 320).toBeGreaterThanOrEqual(l.width);
      for (let j = 1; j < xs.length; j++) expect(xs[j - 1] + 320 - xs[j]).toBeGreaterThanOrEqual(47);
    });
  });

  it('finds every face of minFaceSize and up wholly inside some tile, at a usable size', () => {
    const random = rng(7);
    for (let trial = 0; trial < 500; trial++) {
      const width = 400 + Math.floor(random() * 3600), height = 300 + Math.floor(random() * 2700);
      const plan = planPyramid(width, height, base);
      const size = 16 * Math.pow(Math.min(width, height) / 16, random());
      const fx = random() * (width - size), fy = random() * (height - size);
      const seen = plan.tiles.some((t) => {
        const l = plan.levels[t.level];
        const s = l.height / height;
        const modelSize = size * s;
        if (modelSize < 15.5) return false;
        if (l.whole) return true;
        const x0 = fx * (l.width / width) - t.x, y0 = fy * s - t.y;
        return modelSize <= base.overlap && x0 >= 0 && y0 >= 0 && x0 + modelSize <= 320 && y0 + modelSize <= 240;
      });
      if (!seen) throw new Error(`face ${size.toFixed(1)} px at (${fx.toFixed(0)}, ${fy.toFixed(0)}) in ${width}x${height} lies in no usable tile`);
    }
  });

  it('coarsens the finest level when maxTiles would be exceeded', () => {
    const plan = planPyramid(4000, 3000, { ...base, maxTiles: 40 });
    expect(plan.tiles.length).toBeLessThanOrEqual(40);
    expect(plan.minFaceSize).toBeGreaterThan(16);
    expect(planPyramid(4000, 3000, { ...base, maxTiles: 1 }).tiles).toHaveLength(1);
  });

  it('flags only the tile edges that cut through the image', () => {
    const plan = planPyramid(1000, 600, base);
    const finest = plan.tiles.filter((t) => t.level === plan.levels.length - 1);
    const first = finest[0], last = finest[finest.length - 1];
    expect(first.cut).toEqual({ left: false, top: false, right: true, bottom: true });
    expect(last.cut).toEqual({ left: true, top: true, right: false, bottom: false });
  });

  it('refuses an overlap too small for the level step', () => {
    let error: unknown;
    try {
      planPyramid(100, 100, { ...base, overlap: 20 });
    } catch (e) {
      error = e;
    }
    expect(isSquintError(error, 'INVALID_ARGUMENT')).toBe(true);
  });
});
