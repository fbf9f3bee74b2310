import { describe, expect, it } from 'vitest';
import { isSquintError } from '@squint/core';
import { IdentificationAccumulator, identificationMetrics, similarityMatrix, type TieOrder } from './identification';
import { createRandom } from './random';

/**
 * Reference written straight from the kit's procedure: sort the whole gallery, then walk the ranked
 * list keeping recall and the previous precision at every position.
 */
function referenceProbe(scores: number[], gallery: string[], label: string, ties: TieOrder) {
  const good = new Set(gallery.map((l, j) => (l === label ? j : -1)).filter((j) => j >= 0));
  const order = gallery.map((_, j) => j);
  order.sort((a, b) => {
    if (scores[a] !== scores[b]) return scores[b] - scores[a];
    if (ties !== 'gallery-order' && good.has(a) !== good.has(b)) {
      const aFirst = ties === 'optimistic' ? good.has(a) : !good.has(a);
      return aFirst ? -1 : 1;
    }
    return a - b;
  });
  const ngood = good.size;
  let firstRank: number | null = null;
  let oldRecall = 0;
  let oldPrecision = 1;
  let ap = 0;
  let hits = 0;
  for (let n = 0; n < order.length && ngood > 0; n++) {
    if (good.has(order[n])) {
      hits++;
      if (firstRank === null) firstRank = n + 1;
    }
    const recall = hits / ngood;
    const precision = hits / (n + 1);
    ap += (recall - oldRecall) * ((oldPrecision + precision) / 2);
    oldRecall = recall;
    oldPrecision = precision;
  }
  return { firstRank, ap };
}

describe('identificationMetrics, hand-computed', () => {
  it('ranks image by image and accumulates AP trapezoidally', () => {
    // Ranked: B(0.95) A(0.9) C(0.7) A(0.5) D(0.1): A's images sit at ranks 2 and 4.
    // AP = 1/2 * [(0/1 + 1/2)/2 + (1/3 + 2/4)/2] = 1/2 * (1/4 + 5/12) = 1/3.
    const r = identificationMetrics(new Float32Array([0.9, 0.95, 0.5, 0.7, 0.1]), ['A'], ['A', 'B', 'A', 'C', 'D'], {
      ranks: [1, 2, 5],
    });
    expect(r.perProbe[0].firstMatchRank).toBe(2);
    expect(r.perProbe[0].ap).toBeCloseTo(1 / 3, 12);
    expect(r.cmc).toEqual({ 1: 0, 2: 1, 5: 1 });
    expect(r.cmcCurve).toEqual([0, 1, 1, 1, 1]);
    expect(r.mAP).toBeCloseTo(1 / 3, 12);
  });

  it('breaks ties by gallery order, pessimistically or optimistically as asked', () => {
    const scores = new Float32Array([0.5, 0.5, 0.5]);
    const gallery = ['A', 'X', 'A'];
    // gallery-order: A X A -> ranks 1, 3: AP = 1/2 * [(1 + 1)/2 + (1/2 + 2/3)/2] = 19/24
    const byOrder = identificationMetrics(scores, ['A'], gallery);
    expect(byOrder.ties).toBe('gallery-order');
    expect(byOrder.perProbe[0]).toMatchObject({ firstMatchRank: 1, matches: 2 });
    expect(byOrder.mAP).toBeCloseTo(19 / 24, 12);
    // pessimistic: X A A -> ranks 2, 3: AP = 1/2 * [(0 + 1/2)/2 + (1/2 + 2/3)/2] = 5/12
    const pess = identificationMetrics(scores, ['A'], gallery, { ties: 'pessimistic' });
    expect(pess.perProbe[0].firstMatchRank).toBe(2);
    expect(pess.cmc[1]).toBe(0);
    expect(pess.mAP).toBeCloseTo(5 / 12, 12);
    // optimistic: A A X -> ranks 1, 2: AP = 1
    const opt = identificationMetrics(scores, ['A'], gallery, { ties: 'optimistic' });
    expect(opt.mAP).toBeCloseTo(1, 12);
  });

  it('counts probes without any gallery image as misses with AP 0', () => {
    // Probe A: its image at rank 1 -> AP 1. Probe Z: no gallery image. Probe B: see below.
    const gallery = ['A', 'B', 'd1', 'd2'];
    const scores = new Float32Array([
      0.9, 0.1, 0.2, 0.3, // A
      0.9, 0.8, 0.7, 0.6, // Z
      0.8, 0.5, 0.6, 0.9, // B: ranked d2, A, d1, B -> rank 4
    ]);
    const r = identificationMetrics(scores, ['A', 'Z', 'B'], gallery, { ranks: [1, 3, 4] });
    expect(r.probes).toBe(3);
    expect(r.probesWithMatch).toBe(2);
    expect(r.perProbe[1]).toEqual({ label: 'Z', firstMatchRank: null, ap: 0, matches: 0 });
    expect(r.perProbe[2].firstMatchRank).toBe(4);
    // B at rank 4 alone: AP = (0/3 + 1/4)/2 = 1/8
    expect(r.perProbe[2].ap).toBeCloseTo(1 / 8, 12);
    expect(r.cmc).toEqual({ 1: 1 / 3, 3: 1 / 3, 4: 2 / 3 });
    expect(r.mAP).toBeCloseTo((1 + 0 + 1 / 8) / 3, 12);
  });

  it('truncates the CMC curve at cmcTruncate but still reports deeper ranks exactly', () => {
    const gallery = Array.from({ length: 50 }, (_, j) => (j === 49 ? 'A' : `d${j}`));
    const scores = new Float32Array(50).map((_, j) => 1 - j / 100); // A is last: rank 50
    const r = identificationMetrics(scores, ['A'], gallery, { cmcTruncate: 10, ranks: [1, 50] });
    expect(r.cmcCurve).toHaveLength(10);
    expect(r.cmcCurve.every((v) => v === 0)).toBe(true);
    expect(r.cmc[50]).toBe(1);
  });

  it('rejects malformed input with actionable errors', () => {
    expect(() => identificationMetrics(new Float32Array(3), ['A'], ['A', 'B'])).toThrow(/expected probes x gallery/);
    const acc = new IdentificationAccumulator(['A', 'B']);
    expect(() => acc.add('A', [0.1, NaN])).toThrow(/NaN/);
    expect(() => acc.add('A', [0.1])).toThrow(/one score per gallery image/);
    let thrown: unknown;
    try {
      new IdentificationAccumulator(['A']).result();
    } catch (e) {
      thrown = e;
    }
    expect(isSquintError(thrown, 'INVALID_ARGUMENT')).toBe(true);
    expect(() => new IdentificationAccumulator(['A'], { ranks: [0] })).toThrow(/positive integers/);
  });
});

describe('identificationMetrics vs an independent reference', () => {
  for (const ties of ['gallery-order', 'pessimistic', 'optimistic'] as const) {
    it(`agrees on random matrices with ties, distractors and unmatched probes (${ties})`, () => {
      for (let trial = 0; trial < 8; trial++) {
        const rnd = createRandom(1000 + trial);
        const identities = 25;
        const gallery: string[] = [];
        for (let id = 0; id < identities; id++) {
          const copies = rnd.int(4); // 0..3 images: some identities have none
          for (let c = 0; c < copies; c++) gallery.push(`id${id}`);
        }
        for (let d = 0; d < 120; d++) gallery.push(`distractor${d}`);
        // Shuffle so matches are not all in front.
        for (let i = gallery.length - 1; i > 0; i--) {
          const j = rnd.int(i + 1);
          [gallery[i], gallery[j]] = [gallery[j], gallery[i]];
        }
        const probes = Array.from({ length: 40 }, () => `id${rnd.int(identities)}`);
        // Coarse score levels force many ties.
        const scores = new Float32Array(probes.length * gallery.length).map(() => Math.round(rnd.next() * 12) / 12);
        const r = identificationMetrics(scores, probes, gallery, { ties, ranks: [1, 5, 10, 20] });
        let apSum = 0;
        const firsts: (number | null)[] = [];
        probes.forEach((label, p) => {
          const row = Array.from(scores.subarray(p * gallery.length, (p + 1) * gallery.length));
          const ref = referenceProbe(row, gallery, label, ties);
          expect(r.perProbe[p].firstMatchRank).toBe(ref.firstRank);
          expect(r.perProbe[p].ap).toBeCloseTo(ref.ap, 12);
          apSum += ref.ap;
          firsts.push(ref.firstRank);
        });
        expect(r.mAP).toBeCloseTo(apSum / probes.length, 12);
        for (const k of [1, 5, 10, 20]) {
          expect(r.cmc[k]).toBeCloseTo(firsts.filter((f) => f !== null && f <= k).length / probes.length, 12);
        }
        expect(r.probesWithMatch).toBe(firsts.filter((f) => f !== null).length);
        expect(r.probesWithMatch).toBeLessThan(probes.length); // the trial did include unmatched probes
      }
    });
  }

  it('streams row by row with the same result as the whole matrix', () => {
    const rnd = createRandom(7);
    const gallery = Array.from({ length: 300 }, (_, j) => `id${j % 37}`);
    const probes = Array.from({ length: 20 }, (_, i) => `id${(i * 5) % 37}`);
    const scores = new Float32Array(probes.length * gallery.length).map(() => rnd.next());
    const whole = identificationMetrics(scores, probes, gallery);
    const acc = new IdentificationAccumulator(gallery);
    probes.forEach((label, p) => acc.add(label, scores.slice(p * 300, (p + 1) * 300)));
    expect(acc.result()).toEqual(whole);
  });
});

describe('similarityMatrix', () => {
  it('equals naive dot products, including the probe remainder and several gallery tiles', () => {
    const rnd = createRandom(3);
    const d = 48;
    const vec = () => Float32Array.from({ length: d }, () => rnd.normal());
    const probes = Array.from({ length: 7 }, vec); // 4 + 3: both code paths
    const gallery = Array.from({ length: 3000 }, vec); // > one tile
    const s = similarityMatrix(probes, gallery);
    expect(s).toHaveLength(7 * 3000);
    for (const [i, j] of [[0, 0], [3, 2999], [4, 1500], [6, 1], [5, 2048]]) {
      let ref = 0;
      for (let k = 0; k < d; k++) ref += probes[i][k] * gallery[j][k];
      expect(s[i * 3000 + j]).toBeCloseTo(ref, 4);
    }
  });

  it('refuses embeddings of different dimensions', () => {
    expect(() => similarityMatrix([new Float32Array(4)], [new Float32Array(4), new Float32Array(3)])).toThrow(/gallery\[1\]/);
  });
});
