import { SquintError } from '@squint/core';

/**
 * Closed-set identification on the TinyFace protocol: every probe is ranked against every gallery
 * image (image level, no per-identity pooling), higher score = more similar.
 *
 * CMC rank-k: fraction of probes whose first same-identity gallery image sits at rank <= k.
 *
 * AP (the official kit's trapezoidal accumulation, Market-1501 `compute_AP`): for a probe with n
 * relevant gallery images whose ranks (1-based, in the ranked list) are r_1 < r_2 < ... < r_n,
 *
 *   AP = sum_{i=1..n} (1/n) * (P_before_i + P_i) / 2,
 *   P_i        = i / r_i                      (precision at the i-th hit)
 *   P_before_i = (i - 1) / (r_i - 1)          (precision one rank earlier)
 *              = 1                            when r_i = 1 (the kit starts with old_precision = 1)
 *
 * The kit's loop updates old_precision at every rank but recall only moves at hits, so only the
 * hit positions contribute, which is what the closed form above says. mAP is the mean over probes.
 *
 * Probes whose identity has no gallery image: the kit never meets them (every TinyFace probe has a
 * match); here they count as a miss at every rank and AP = 0, and `probesWithMatch` says how many
 * probes could be matched at all.
 *
 * Ties (equal scores): `gallery-order` (default) ranks tied images by gallery index, which is what
 * the MATLAB kit's stable `sort` does (match gallery before distractors, so it is mildly
 * optimistic); `pessimistic` puts every tied non-match ahead of a match, `optimistic` behind it.
 */
export type TieOrder = 'gallery-order' | 'pessimistic' | 'optimistic';

export interface IdentificationOptions {
  /** CMC ranks reported in `cmc`; default [1, 5, 10, 20]. */
  ranks?: number[];
  /** Length of `cmcCurve` (the kit plots up to rank 1,000); default 1000, capped at the gallery size. */
  cmcTruncate?: number;
  ties?: TieOrder;
}

export interface ProbeOutcome {
  label: string;
  /** 1-based rank of the first same-identity gallery image; null when the gallery has none. */
  firstMatchRank: number | null;
  ap: number;
  /** Number of same-identity gallery images. */
  matches: number;
}

export interface IdentificationResult {
  /** rank -> fraction of probes hit within that rank (0..1). */
  cmc: Record<number, number>;
  /** cmcCurve[k - 1] = CMC at rank k, k = 1 .. min(cmcTruncate, gallery size). */
  cmcCurve: number[];
  mAP: number;
  probes: number;
  probesWithMatch: number;
  gallery: number;
  ties: TieOrder;
}

export interface IdentificationDetail extends IdentificationResult {
  perProbe: ProbeOutcome[];
}

const DEFAULT_RANKS = [1, 5, 10, 20];

/**
 * Streaming form: feed one probe's score row at a time, so a probes x 160k gallery matrix never has
 * to exist in memory. Per probe the cost is one pass over the row (no sort of the gallery).
 */
export class IdentificationAccumulator {
  readonly galleryLabels: readonly string[];
  private readonly ranks: number[];
  private readonly truncate: number;
  private readonly ties: TieOrder;
  private readonly byLabel = new Map<string, Int32Array>();
  private readonly outcomes: ProbeOutcome[] = [];

  constructor(galleryLabels: readonly string[], options: IdentificationOptions = {}) {
    if (galleryLabels.length === 0) {
      throw new SquintError('INVALID_ARGUMENT', 'the gallery is empty; identification needs at least one gallery image', {
        input: 'galleryLabels',
      });
    }
    this.galleryLabels = galleryLabels;
    this.ranks = validateRanks(options.ranks ?? DEFAULT_RANKS);
    const truncate = options.cmcTruncate ?? 1000;
    if (!Number.isInteger(truncate) || truncate < 1) {
      throw new SquintError('INVALID_ARGUMENT', `cmcTruncate must be a positive integer, got ${truncate}`, {
        input: 'cmcTruncate',
      });
    }
    this.truncate = Math.min(truncate, galleryLabels.length);
    this.ties = options.ties ?? 'gallery-order';
    const lists = new Map<string, number[]>();
    galleryLabels.forEach((label, j) => {
      const list = lists.get(label);
      if (list) list.push(j);
      else lists.set(label, [j]);
    });
    for (const [label, list] of lists) this.byLabel.set(label, Int32Array.from(list));
  }

  /** Ranks one probe; returns its outcome (also kept for `result()`). */
  add(probeLabel: string, scores: ArrayLike<number>): ProbeOutcome {
    const g = this.galleryLabels.length;
    if (scores.length !== g) {
      throw new SquintError(
        'INVALID_ARGUMENT',
        `score row has ${scores.length} entries but the gallery has ${g} images; pass one score per gallery image`,
        { input: `probe ${this.outcomes.length} (${probeLabel})` },
      );
    }
    const goodsByIndex = this.byLabel.get(probeLabel);
    if (!goodsByIndex) {
      checkFinite(scores, this.outcomes.length, probeLabel);
      const outcome: ProbeOutcome = { label: probeLabel, firstMatchRank: null, ap: 0, matches: 0 };
      this.outcomes.push(outcome);
      return outcome;
    }
    const ranks = rankMatches(scores, goodsByIndex, this.ties, this.outcomes.length, probeLabel);
    const n = ranks.length;
    let ap = 0;
    for (let i = 0; i < n; i++) {
      const r = ranks[i];
      const precision = (i + 1) / r;
      const before = r === 1 ? 1 : i / (r - 1);
      ap += (before + precision) / 2;
    }
    const outcome: ProbeOutcome = { label: probeLabel, firstMatchRank: ranks[0], ap: ap / n, matches: n };
    this.outcomes.push(outcome);
    return outcome;
  }

  get probes(): number {
    return this.outcomes.length;
  }

  result(): IdentificationDetail {
    const p = this.outcomes.length;
    if (p === 0) {
      throw new SquintError('INVALID_ARGUMENT', 'no probe was added; call add() once per probe before result()', {
        input: 'IdentificationAccumulator',
      });
    }
    const hist = new Float64Array(this.truncate + 1);
    let apSum = 0;
    let withMatch = 0;
    for (const o of this.outcomes) {
      apSum += o.ap;
      if (o.firstMatchRank !== null) {
        withMatch++;
        if (o.firstMatchRank <= this.truncate) hist[o.firstMatchRank]++;
      }
    }
    const cmcCurve: number[] = [];
    let cum = 0;
    for (let k = 1; k <= this.truncate; k++) {
      cum += hist[k];
      cmcCurve.push(cum / p);
    }
    const cmc: Record<number, number> = {};
    for (const k of this.ranks) {
      let hits = 0;
      for (const o of this.outcomes) if (o.firstMatchRank !== null && o.firstMatchRank <= k) hits++;
      cmc[k] = hits / p;
    }
    return {
      cmc,
      cmcCurve,
      mAP: apSum / p,
      probes: p,
      probesWithMatch: withMatch,
      gallery: this.galleryLabels.length,
      ties: this.ties,
      perProbe: this.outcomes.slice(),
    };
  }
}

/** Whole-matrix form; `scores` is probes x gallery, row-major. */
export function identificationMetrics(
  scores: Float32Array,
  probeLabels: readonly string[],
  galleryLabels: readonly string[],
  options: IdentificationOptions = {},
): IdentificationDetail {
  const g = galleryLabels.length;
  if (scores.length !== probeLabels.length * g) {
    throw new SquintError(
      'INVALID_ARGUMENT',
      `score matrix has ${scores.length} entries, expected probes x gallery = ${probeLabels.length} x ${g}`,
      { input: 'scores' },
    );
  }
  const acc = new IdentificationAccumulator(galleryLabels, options);
  for (let i = 0; i < probeLabels.length; i++) acc.add(probeLabels[i], scores.subarray(i * g, (i + 1) * g));
  return acc.result();
}

/**
 * 1-based ranks of the relevant images, ascending. A relevant image's rank is 1 + the number of
 * images ranked before it; only images scoring at least as high as the weakest relevant one can be,
 * so most of the row costs one comparison.
 */
function rankMatches(
  scores: ArrayLike<number>,
  goodsByIndex: Int32Array,
  ties: TieOrder,
  probeIndex: number,
  probeLabel: string,
): number[] {
  const n = goodsByIndex.length;
  // Relevant images in ranking order: score descending, gallery index ascending on ties.
  const goods = Array.from(goodsByIndex).sort((a, b) => scores[b] - scores[a] || a - b);
  const goodScores = goods.map((j) => scores[j]);
  const isGood = new Set(goods);
  // counts[m] = non-relevant images ranked before relevant image m but after m - 1.
  const counts = new Float64Array(n + 1);
  const last = n - 1;
  for (let j = 0; j < scores.length; j++) {
    const s = scores[j];
    if (s !== s) throw nanError(probeIndex, probeLabel, j);
    if (!precedes(s, j, goodScores[last], goods[last], ties)) continue;
    if (isGood.has(j)) continue;
    let m = 0;
    while (!precedes(s, j, goodScores[m], goods[m], ties)) m++;
    counts[m]++;
  }
  const ranks: number[] = [];
  let before = 0;
  for (let i = 0; i < n; i++) {
    before += counts[i];
    ranks.push(i + before + 1);
  }
  return ranks;
}

/** Does non-relevant image (s, j) rank before relevant image (gs, g)? */
function precedes(s: number, j: number, gs: number, g: number, ties: TieOrder): boolean {
  if (s !== gs) return s > gs;
  if (ties === 'gallery-order') return j < g;
  return ties === 'pessimistic';
}

function checkFinite(scores: ArrayLike<number>, probeIndex: number, probeLabel: string): void {
  for (let j = 0; j < scores.length; j++) if (scores[j] !== scores[j]) throw nanError(probeIndex, probeLabel, j);
}

function nanError(probeIndex: number, probeLabel: string, j: number): SquintError {
  return new SquintError(
    'INVALID_ARGUMENT',
    `score against gallery image ${j} is NaN; check the embeddings (a NaN embedding poisons every score)`,
    { input: `probe ${probeIndex} (${probeLabel})` },
  );
}

function validateRanks(ranks: number[]): number[] {
  for (const r of ranks) {
    if (!Number.isInteger(r) || r < 1) {
      throw new SquintError('INVALID_ARGUMENT', `CMC ranks must be positive integers, got ${r}`, { input: 'ranks' });
    }
  }
  return ranks.slice();
}

/**
 * Inner products of every probe with every gallery embedding: probes x gallery, row-major.
 * Register-blocked over 4 probes (each gallery row is read once per 4 dot products) and cache-blocked
 * over gallery tiles. The output is P * G floats: for a 160k gallery, call it on chunks of probes.
 */
export function similarityMatrix(probes: readonly Float32Array[], gallery: readonly Float32Array[]): Float32Array {
  const p = probes.length;
  const g = gallery.length;
  const out = new Float32Array(p * g);
  if (p === 0 || g === 0) return out;
  const d = probes[0].length;
  const pack = (rows: readonly Float32Array[], name: string): Float32Array => {
    const packed = new Float32Array(rows.length * d);
    rows.forEach((row, i) => {
      if (row.length !== d) {
        throw new SquintError(
          'INVALID_ARGUMENT',
          `embedding has ${row.length} dimensions, expected ${d}; probes and gallery must come from the same model`,
          { input: `${name}[${i}]` },
        );
      }
      packed.set(row, i * d);
    });
    return packed;
  };
  const P = pack(probes, 'probes');
  const G = pack(gallery, 'gallery');
  const tile = Math.max(16, Math.floor(65536 / d));
  for (let j0 = 0; j0 < g; j0 += tile) {
    const j1 = Math.min(g, j0 + tile);
    let i = 0;
    for (; i + 4 <= p; i += 4) {
      const a0 = i * d;
      const a1 = a0 + d;
      const a2 = a1 + d;
      const a3 = a2 + d;
      for (let j = j0; j < j1; j++) {
        const b = j * d;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = 0; k < d; k++) {
          const v = G[b + k];
          s0 += P[a0 + k] * v;
          s1 += P[a1 + k] * v;
          s2 += P[a2 + k] * v;
          s3 += P[a3 + k] * v;
        }
        out[i * g + j] = s0;
        out[(i + 1) * g + j] = s1;
        out[(i + 2) * g + j] = s2;
        out[(i + 3) * g + j] = s3;
      }
    }
    for (; i < p; i++) {
      const a = i * d;
      for (let j = j0; j < j1; j++) {
        const b = j * d;
        let s = 0;
        for (let k = 0; k < d; k++) s += P[a + k] * G[b + k];
        out[i * g + j] = s;
      }
    }
  }
  return out;
}
