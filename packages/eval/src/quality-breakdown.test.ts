import { describe, expect, it } from 'vitest';
import { errorVersusReject, qualityBreakdown, spearman } from './quality-breakdown';
import { createRandom } from './random';

describe('qualityBreakdown', () => {
  it('reports rank-1 and mAP per equal-count bin', () => {
    const covariate = [10, 3, 7, 1, 9, 5, 2, 8, 4, 6];
    // Probes with covariate >= 6 hit at rank 1 (AP 1); the rest miss (AP 0.25).
    const probes = covariate.map((c) => (c >= 6 ? { firstMatchRank: 1, ap: 1 } : { firstMatchRank: 3, ap: 0.25 }));
    const b = qualityBreakdown(covariate, probes, { bins: 5 });
    expect(b.bins.map((x) => x.count)).toEqual([2, 2, 2, 2, 2]);
    expect(b.bins.map((x) => x.rank1)).toEqual([0, 0, 0.5, 1, 1]);
    expect(b.bins.map((x) => x.mAP)).toEqual([0.25, 0.25, 0.625, 1, 1]);
    expect(b.bins[0].lo).toBe(1);
    expect(b.bins[4].hi).toBe(10);
    expect(b.excluded).toBe(0);
    expect(b.spearmanAp).toBeGreaterThan(0.8);
  });

  it('merges bins when a tied covariate repeats a quantile, and excludes missing values', () => {
    const covariate = [16, 16, 16, 16, 16, 16, 24, 24, NaN, 32];
    const probes = covariate.map(() => ({ firstMatchRank: null, ap: 0 }));
    const b = qualityBreakdown(covariate, probes, { bins: 4 });
    expect(b.excluded).toBe(1);
    expect(b.bins.reduce((s, x) => s + x.count, 0)).toBe(9);
    expect(b.bins[0]).toMatchObject({ lo: 16, count: 6, rank1: 0 });
  });

  it('uses explicit edges and leaves values outside them out', () => {
    const b = qualityBreakdown([5, 15, 25, 35], [1, 1, 1, 1].map(() => ({ firstMatchRank: 1, ap: 1 })), { bins: [10, 20, 30] });
    expect(b.bins.map((x) => [x.lo, x.hi, x.count])).toEqual([
      [10, 20, 1],
      [20, 30, 1],
    ]);
    expect(b.excluded).toBe(2);
    expect(() => qualityBreakdown([1], [{ firstMatchRank: 1, ap: 1 }], { bins: [2, 1] })).toThrow(/ascending/);
  });
});

describe('spearman', () => {
  it('matches known values, with average ranks for ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) = 0.8207826816681233
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});

describe('errorVersusReject', () => {
  const rnd = createRandom(9);
  const impostors = Array.from({ length: 1000 }, () => ({ score: 0.5 * rnd.next(), quality: rnd.next() }));
  // 80 good comparisons score high, 20 poor ones fail: a useful quality score flags the poor ones.
  const genuine = [
    ...Array.from({ length: 80 }, () => ({ score: 0.9, quality: 0.5 + rnd.next() / 2 })),
    ...Array.from({ length: 20 }, () => ({ score: 0.2, quality: rnd.next() / 2 })),
  ];

  it('falls to zero once the low-quality failures are rejected (fixed threshold)', () => {
    const c = errorVersusReject(genuine, impostors, { fmr: 1e-2, fractions: [0, 0.1, 0.2, 0.5, 1] });
    expect(c.points.map((p) => p.rejected)).toEqual([0, 0.1, 0.2, 0.5, 1]);
    expect(c.points.map((p) => p.fnmr)).toEqual([0.2, 10 / 90, 0, 0, null]);
    expect(new Set(c.points.slice(0, 4).map((p) => p.threshold)).size).toBe(1);
  });

  it('stays flat for an uninformative quality', () => {
    const shuffled = genuine.map((g, i) => ({ score: g.score, quality: (i * 37) % 100 }));
    const c = errorVersusReject(shuffled, impostors, { fmr: 1e-2, fractions: [0, 0.3] });
    expect(c.points[0].fnmr).toBe(0.2);
    expect(Math.abs(c.points[1].fnmr! - 0.2)).toBeLessThan(0.08);
  });

  it('recomputes the threshold on the kept impostors when asked, and says when FMR is out of reach', () => {
    const c = errorVersusReject(genuine, impostors, { fmr: 1e-2, fractions: [0, 0.2], threshold: 'recomputed' });
    expect(c.mode).toBe('recomputed');
    expect(c.points[1].fnmr).toBe(0);
    const tooFew = errorVersusReject(genuine, impostors.slice(0, 50), { fmr: 1e-3, fractions: [0] });
    expect(tooFew.points[0].fnmr).toBeNull();
    expect(tooFew.reason).toMatch(/only 50 impostor/);
    expect(() => errorVersusReject(genuine, [{ score: 0.1 }], { threshold: 'recomputed' })).toThrow(/quality/);
  });
});
