import { describe, expect, it } from 'vitest';
import { operatingPointAt, scoreHistogram, verificationMetrics } from './verification';
import { createRandom } from './random';

/** LFW layout: 10 sets of 300 genuine then 300 impostor pairs. */
function lfwLike(genuine: () => number, impostor: () => number) {
  const scores: number[] = [];
  const same: boolean[] = [];
  for (let set = 0; set < 10; set++) {
    for (let i = 0; i < 300; i++) (scores.push(genuine()), same.push(true));
    for (let i = 0; i < 300; i++) (scores.push(impostor()), same.push(false));
  }
  return { scores, same };
}

describe('verificationMetrics', () => {
  it('is perfect on separable scores', () => {
    const rnd = createRandom(1);
    const { scores, same } = lfwLike(() => 0.6 + 0.4 * rnd.next(), () => -0.2 + 0.6 * rnd.next());
    const m = verificationMetrics(scores, same);
    expect(m.accuracy.mean).toBe(1);
    expect(m.accuracy.std).toBe(0);
    expect(m.accuracy.folds).toHaveLength(10);
    for (const t of m.accuracy.thresholds) expect(t).toBeGreaterThan(0.4 - 1e-9);
    expect(m.eer).toBe(0);
    expect(m.auc).toBeCloseTo(1, 12);
    expect(m.tarAtFar[1e-1]).toMatchObject({ tar: 1 });
    expect(m.tarAtFar[1e-3]).toMatchObject({ tar: 1, falseAcceptsAllowed: 3 });
  });

  it('is at chance on identical genuine and impostor distributions', () => {
    const rnd = createRandom(2);
    const scores: number[] = [];
    const same: boolean[] = [];
    for (let i = 0; i < 20000; i++) (scores.push(rnd.normal()), same.push(i % 2 === 0));
    const m = verificationMetrics(scores, same);
    expect(Math.abs(m.eer - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(m.auc - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(m.accuracy.mean - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(m.tarAtFar[1e-1].tar! - 0.1)).toBeLessThan(0.02);
  });

  it('chooses each fold threshold on the other folds (contiguous folds)', () => {
    // Folds 1..9 separable (genuine 1, impostor 0); fold 0 has its labels flipped, so the
    // threshold learnt elsewhere gets all of fold 0 wrong: folds = [0, 1 x 9].
    const scores: number[] = [];
    const same: boolean[] = [];
    for (let fold = 0; fold < 10; fold++) {
      for (let i = 0; i < 10; i++) {
        const genuine = i < 5;
        same.push(genuine);
        scores.push(genuine === (fold !== 0) ? 1 : 0);
      }
    }
    const m = verificationMetrics(scores, same);
    expect(m.accuracy.folds).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(m.accuracy.mean).toBeCloseTo(0.9, 12);
    expect(m.accuracy.std).toBeCloseTo(0.3, 12);
    expect(m.accuracy.thresholds[0]).toBe(0.5);
    // Shuffled folds mix the flipped pairs into every fold: a different, but reproducible, answer.
    const a = verificationMetrics(scores, same, { foldAssignment: { shuffleSeed: 5 } });
    const b = verificationMetrics(scores, same, { foldAssignment: { shuffleSeed: 5 } });
    expect(a.accuracy).toEqual(b.accuracy);
    expect(a.accuracy.folds).not.toEqual(m.accuracy.folds);
  });

  it('puts TAR@FAR thresholds where they allow floor(FAR x impostors) false accepts', () => {
    const impostor = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    const genuine = [0.35, 0.55, 0.95];
    const m = verificationMetrics([...genuine, ...impostor], [...genuine.map(() => true), ...impostor.map(() => false)], {
      folds: 2,
      fars: [0.1, 0.3, 0.01],
    });
    // FAR 0.1: one false accept allowed; reject 0.9 -> threshold midway to 0.95.
    expect(m.tarAtFar[0.1]).toEqual({ tar: 1 / 3, far: 0.1, threshold: 0.925, falseAcceptsAllowed: 1 });
    // FAR 0.3: three allowed; reject 0.7 -> threshold midway to 0.8; genuine 0.95 passes.
    expect(m.tarAtFar[0.3]).toMatchObject({ tar: 1 / 3, far: 0.3, falseAcceptsAllowed: 3 });
    expect(m.tarAtFar[0.3].threshold).toBeCloseTo(0.75, 12);
    // FAR 0.01 with 10 impostors: cannot be measured.
    const none = m.tarAtFar[0.01];
    expect(none.tar).toBeNull();
    expect(none.tar === null && none.reason).toMatch(/only 10 impostor pairs.*at least 100/);
    expect(m.calibratedThreshold(0.1)).toEqual(m.tarAtFar[0.1]);
    expect(operatingPointAt(genuine, impostor, 0.1)).toEqual(m.tarAtFar[0.1]);
  });

  it('reports 1e-4 as unmeasurable with LFW-sized impostor sets instead of inventing a number', () => {
    const rnd = createRandom(3);
    const { scores, same } = lfwLike(() => 0.5 + rnd.normal() * 0.1, () => rnd.normal() * 0.1);
    const m = verificationMetrics(scores, same);
    expect(m.impostor).toBe(3000);
    expect(m.tarAtFar[1e-4]).toMatchObject({ tar: null, threshold: null });
    expect(m.tarAtFar[1e-3].tar).not.toBeNull();
  });

  it('keeps a monotone ROC of at most 200 points from (0,0) to (1,1)', () => {
    const rnd = createRandom(4);
    const scores = Array.from({ length: 5000 }, () => rnd.normal());
    const same = scores.map((_, i) => i % 5 === 0);
    scores.forEach((_, i) => same[i] && (scores[i] += 1));
    const m = verificationMetrics(scores, same);
    const { far, tar, thresholds } = m.roc;
    expect(far.length).toBeLessThanOrEqual(200);
    expect(far.length).toBeGreaterThan(50);
    expect([far[0], tar[0]]).toEqual([0, 0]);
    expect([far.at(-1), tar.at(-1)]).toEqual([1, 1]);
    for (let i = 1; i < far.length; i++) {
      expect(far[i]).toBeGreaterThanOrEqual(far[i - 1]);
      expect(tar[i]).toBeGreaterThanOrEqual(tar[i - 1]);
      expect(thresholds[i]).toBeLessThan(thresholds[i - 1]);
    }
    // d' = 1 Gaussians: AUC = Phi(1 / sqrt 2) = 0.760
    expect(m.auc).toBeGreaterThan(0.73);
    expect(m.auc).toBeLessThan(0.79);
  });

  it('refuses unusable input', () => {
    expect(() => verificationMetrics([0.1, 0.2], [true])).toThrow(/labels/);
    expect(() => verificationMetrics([0.1, 0.2], [true, true])).toThrow(/impostor/);
    expect(() => verificationMetrics([0.1, NaN], [true, false], { folds: 2 })).toThrow(/pair 1/);
    expect(() => verificationMetrics([0.1, 0.2], [true, false])).toThrow(/folds/);
  });
});

describe('scoreHistogram', () => {
  it('bins both score sets on shared edges', () => {
    const h = scoreHistogram([0.9, 1.0, 0.95], [0, 0.1, 0.2, 0.5], 10);
    expect(h.edges).toHaveLength(11);
    expect(h.edges[0]).toBe(0);
    expect(h.edges[10]).toBeCloseTo(1, 12);
    expect(h.genuine.reduce((a, b) => a + b)).toBe(3);
    expect(h.impostor.reduce((a, b) => a + b)).toBe(4);
    expect(h.genuine[9]).toBe(3);
    expect(h.impostor[0]).toBe(1);
  });
});
