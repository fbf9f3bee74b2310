import { describe, expect, it } from 'vitest';
import type { Affine, Point } from './geometry';
import { affineScale, applyAffine, composeAffine, invertAffine, scaleAffine, similarityTransform } from './similarity';
import { isSquintError } from './errors';

function rng(seed: number): () => number {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function similarity(angle: number, scale: number, tx: number, ty: number): Affine {
  const c = Math.cos(angle) * scale, s = Math.sin(angle) * scale;
  return [c, -s, tx, s, c, ty];
}

const sse = (m: Affine, src: Point[], dst: Point[]) =>
  src.reduce((acc, p, i) => {
    const q = applyAffine(m, p);
    return acc + (q[0] - dst[i][0]) ** 2 + (q[1] - dst[i][1]) ** 2;
  }, 0);

describe('similarityTransform', () => {
  const rand = rng(7);
  const src: Point[] = Array.from({ length: 5 }, () => [rand() * 100, rand() * 100]);

  it('recovers a known similarity exactly', () => {
    const truth = similarity(0.4, 1.7, 12.5, -30.25);
    const m = similarityTransform(src, src.map((p) => applyAffine(truth, p)));
    m.forEach((v, i) => expect(v).toBeCloseTo(truth[i], 10));
    expect(affineScale(m)).toBeCloseTo(1.7, 10);
  });

  it('is the least-squares fit on noisy points', () => {
    const truth = similarity(-0.2, 0.6, 3, 4);
    const dst = src.map((p) => {
      const q = applyAffine(truth, p);
      return [q[0] + (rand() - 0.5) * 4, q[1] + (rand() - 0.5) * 4] as Point;
    });
    const m = similarityTransform(src, dst);
    const best = sse(m, src, dst);
    // Any change of the four similarity parameters (a, b, tx, ty) costs more.
    for (const [da, db, dtx, dty] of [[1e-3, 0, 0, 0], [0, 1e-3, 0, 0], [0, 0, 1e-2, 0], [0, 0, 0, 1e-2]]) {
      for (const sign of [1, -1]) {
        const [a, nb, tx, b, , ty] = m;
        const p: Affine = [a + sign * da, nb - sign * db, tx + sign * dtx, b + sign * db, a + sign * da, ty + sign * dty];
        expect(sse(p, src, dst)).toBeGreaterThan(best);
      }
    }
    expect(affineScale(m)).toBeCloseTo(0.6, 1);
  });

  it('refuses degenerate input', () => {
    expect(() => similarityTransform([[1, 1], [1, 1]], [[0, 0], [1, 1]])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    let err: unknown;
    try {
      similarityTransform([[0, 0]], [[0, 0]]);
    } catch (e) {
      err = e;
    }
    expect(isSquintError(err, 'INVALID_ARGUMENT')).toBe(true);
  });
});

describe('affine helpers', () => {
  const m: Affine = [1.2, -0.5, 7, 0.3, 0.9, -2];

  it('inverts', () => {
    const p: Point = [13, -4];
    const q = applyAffine(invertAffine(m), applyAffine(m, p));
    expect(q[0]).toBeCloseTo(13, 12);
    expect(q[1]).toBeCloseTo(-4, 12);
    expect(() => invertAffine([1, 2, 0, 2, 4, 0])).toThrow(/singular/);
  });

  it('composes first, then second', () => {
    const translate: Affine = [1, 0, 10, 0, 1, 0];
    const double: Affine = [2, 0, 0, 0, 2, 0];
    expect(applyAffine(composeAffine(translate, double), [1, 1])).toEqual([22, 2]);
    expect(applyAffine(composeAffine(double, translate), [1, 1])).toEqual([12, 2]);
    const p: Point = [3, 5];
    const a = applyAffine(composeAffine(m, invertAffine(m)), p);
    expect(a[0]).toBeCloseTo(3, 12);
    expect(a[1]).toBeCloseTo(5, 12);
  });

  it('scales pixel-centre coordinates between image sizes', () => {
    // The outer edges (-0.5 and size - 0.5) map onto each other.
    const [a, b] = applyAffine(scaleAffine(112, 16), [-0.5, 111.5]);
    expect(a).toBeCloseTo(-0.5, 12);
    expect(b).toBeCloseTo(15.5, 12);
    expect(affineScale(scaleAffine(112, 16))).toBeCloseTo(16 / 112, 12);
  });
});
