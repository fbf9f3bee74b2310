import { describe, expect, it } from 'vitest';
import { isSquintError } from '@squint/core';
import { calibrateThreshold, petalAlpha, thresholdFromJson, thresholdToJson } from './petal-alpha';

describe('petalAlpha', () => {
  it('is 0.5 + (q - t), unclamped unless asked', () => {
    expect(petalAlpha(0.7, 0.7)).toBe(0.5);
    expect(petalAlpha(0.9, 0.6)).toBeCloseTo(0.8, 12);
    expect(petalAlpha(1.4, 0.2)).toBeCloseTo(1.7, 12);
    expect(petalAlpha(-0.5, 0.3)).toBeCloseTo(-0.3, 12);
    expect(petalAlpha(1.4, 0.2, { clamp: true })).toBe(1);
    expect(petalAlpha(-0.5, 0.3, { clamp: true })).toBe(0);
  });
});

describe('calibrateThreshold', () => {
  it('is mean + population std when every quality is used', () => {
    const r = calibrateThreshold([2, 4, 4, 4, 5, 5, 7, 9], { estimator: 'classical' });
    expect(r).toMatchObject({ mean: 5, std: 2, t: 7, n: 8, estimator: 'classical' });
  });

  it('samples N qualities reproducibly by seed', () => {
    const q = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 1000 / 1000);
    const a = calibrateThreshold(q, { seed: 1 });
    const b = calibrateThreshold(q, { seed: 1 });
    const c = calibrateThreshold(q, { seed: 2 });
    expect(a.n).toBe(1000);
    expect(a).toEqual(b);
    expect(a.t).not.toBe(c.t);
    // Uniform on [0,1): mean ~0.5, std ~0.289.
    expect(a.mean).toBeGreaterThan(0.45);
    expect(a.mean).toBeLessThan(0.55);
    expect(a.std).toBeGreaterThan(0.26);
    expect(a.std).toBeLessThan(0.31);
  });

  it('refuses non-finite or too few qualities', () => {
    expect(() => calibrateThreshold([0.1, NaN, 0.3])).toThrow(/quality 1 is NaN/);
    expect(() => calibrateThreshold([0.1])).toThrow(/at least 2/);
  });

  it('saves and loads the threshold as JSON (string or object)', () => {
    const r = calibrateThreshold([0.1, 0.5, 0.9, 0.3], { estimator: 'cnniqa', seed: 3 });
    const json = thresholdToJson(r);
    expect(thresholdFromJson(json)).toEqual(r);
    expect(thresholdFromJson(JSON.parse(json))).toEqual(r);
    try {
      thresholdFromJson('{"t": 1}', 'model/threshold.json');
      throw new Error('should have thrown');
    } catch (e) {
      expect(isSquintError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).toContain('model/threshold.json');
    }
    expect(() => thresholdFromJson({ ...JSON.parse(json), t: 'x' })).toThrow(/"t"/);
  });
});
