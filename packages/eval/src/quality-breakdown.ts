import { SquintError } from '@squint/core';
import { operatingPointAt } from './verification';

/**
 * How recognition depends on a per-probe covariate (a quality score, the face width in pixels...):
 * rank-1 and mAP per covariate bin, the rank correlation between covariate and outcome, and the
 * error-versus-reject curve that says whether a quality score is worth gating on.
 */

/** What a bin needs from each probe; `ProbeOutcome` from identification fits. */
export interface ProbeRecord {
  firstMatchRank: number | null;
  ap: number;
}

export interface QualityBin {
  /** Covariate range [lo, hi) (the last bin includes hi). */
  lo: number;
  hi: number;
  count: number;
  /** null for an empty bin. */
  rank1: number | null;
  mAP: number | null;
}

export interface QualityBreakdown {
  bins: QualityBin[];
  /** Probes left out: non-finite covariate, or outside explicit edges. */
  excluded: number;
  /** Spearman correlation between covariate and AP over the included probes. */
  spearmanAp: number;
}

export interface QualityBinOptions {
  /** Number of bins (default 5) or explicit ascending edges (use +-Infinity for open ends). */
  bins?: number | number[];
  /** How a bin count becomes edges: equal-count (default) or equal-width. */
  mode?: 'quantile' | 'uniform';
}

export function qualityBreakdown(
  covariate: readonly number[],
  probes: readonly ProbeRecord[],
  options: QualityBinOptions = {},
): QualityBreakdown {
  if (covariate.length !== probes.length) {
    throw new SquintError('INVALID_ARGUMENT', `${covariate.length} covariate values for ${probes.length} probes`, {
      input: 'covariate',
    });
  }
  const finite = covariate.map((_, i) => i).filter((i) => Number.isFinite(covariate[i]));
  const values = finite.map((i) => covariate[i]).sort((a, b) => a - b);
  const edges = binEdges(values, options.bins ?? 5, options.mode ?? 'quantile');
  const nb = edges.length - 1;
  const count = new Array<number>(nb).fill(0);
  const hits = new Array<number>(nb).fill(0);
  const apSum = new Array<number>(nb).fill(0);
  const used: number[] = [];
  for (const i of finite) {
    const b = binOf(edges, covariate[i]);
    if (b < 0) continue;
    used.push(i);
    count[b]++;
    if (probes[i].firstMatchRank === 1) hits[b]++;
    apSum[b] += probes[i].ap;
  }
  return {
    bins: count.map((c, b) => ({
      lo: edges[b],
      hi: edges[b + 1],
      count: c,
      rank1: c ? hits[b] / c : null,
      mAP: c ? apSum[b] / c : null,
    })),
    excluded: probes.length - used.length,
    spearmanAp: spearman(
      used.map((i) => covariate[i]),
      used.map((i) => probes[i].ap),
    ),
  };
}

function binEdges(sorted: number[], bins: number | number[], mode: 'quantile' | 'uniform'): number[] {
  if (Array.isArray(bins)) {
    if (bins.length < 2 || bins.some((e, i) => i > 0 && !(e > bins[i - 1]))) {
      throw new SquintError('INVALID_ARGUMENT', `bin edges must be at least two strictly ascending numbers, got [${bins}]`, {
        input: 'bins',
      });
    }
    return bins.slice();
  }
  if (!Number.isInteger(bins) || bins < 1) {
    throw new SquintError('INVALID_ARGUMENT', `bin count must be a positive integer, got ${bins}`, { input: 'bins' });
  }
  if (sorted.length === 0) return [0, 1];
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  if (lo === hi) return [lo, hi];
  const edges = [lo];
  for (let b = 1; b < bins; b++) {
    const e =
      mode === 'uniform' ? lo + ((hi - lo) * b) / bins : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * b) / bins))];
    // Heavily tied covariates (integer face widths) can repeat a quantile: merge those bins.
    if (e > edges[edges.length - 1] && e < hi) edges.push(e);
  }
  edges.push(hi);
  return edges;
}

function binOf(edges: number[], v: number): number {
  const last = edges.length - 1;
  if (v < edges[0] || v > edges[last]) return -1;
  if (v === edges[last]) return last - 1;
  let b = 0;
  while (v >= edges[b + 1]) b++;
  return b;
}

/** Spearman rank correlation (average ranks for ties); NaN when either side is constant. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) {
    throw new SquintError('INVALID_ARGUMENT', `spearman needs equal lengths, got ${a.length} and ${b.length}`, {
      input: 'b',
    });
  }
  return pearson(averageRanks(a), averageRanks(b));
}

function averageRanks(v: readonly number[]): number[] {
  const idx = v.map((_, i) => i).sort((x, y) => v[x] - v[y]);
  const ranks = new Array<number>(v.length);
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[idx[k]] = r;
    i = j + 1;
  }
  return ranks;
}

function pearson(x: number[], y: number[]): number {
  const n = x.length;
  if (n < 2) return NaN;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

export interface ScoredComparison {
  score: number;
  /** Quality of the comparison, usually min(quality of the two samples). */
  quality: number;
}

export interface ErrorVersusRejectOptions {
  /** The fixed false match rate (default 1e-3). */
  fmr?: number;
  /** Fractions of the lowest-quality genuine comparisons to reject (default 0, 0.05, ..., 0.5). */
  fractions?: number[];
  /**
   * 'fixed' (default, ISO/IEC 29794-1 error-versus-discard): the threshold is set once on all
   * impostors. 'recomputed': the same fraction of lowest-quality impostors is also rejected and the
   * threshold is set again on the rest (needs impostor qualities).
   */
  threshold?: 'fixed' | 'recomputed';
}

export interface ErrorVersusRejectPoint {
  /** Fraction actually rejected: floor(fraction * genuine) / genuine. */
  rejected: number;
  /** null when nothing is left, or the FMR cannot be reached with these impostors. */
  fnmr: number | null;
  threshold: number | null;
}

export interface ErrorVersusReject {
  fmr: number;
  mode: 'fixed' | 'recomputed';
  points: ErrorVersusRejectPoint[];
  /** Why points are null, when they are. */
  reason?: string;
}

/**
 * FNMR at a fixed FMR as the lowest-quality comparisons are rejected. A useful quality score makes
 * the curve fall; a random one leaves it flat. Rejection order is quality ascending, ties by input
 * order.
 */
export function errorVersusReject(
  genuine: readonly ScoredComparison[],
  impostors: readonly (Omit<ScoredComparison, 'quality'> & { quality?: number })[],
  options: ErrorVersusRejectOptions = {},
): ErrorVersusReject {
  const fmr = options.fmr ?? 1e-3;
  const mode = options.threshold ?? 'fixed';
  const fractions = options.fractions ?? Array.from({ length: 11 }, (_, i) => i * 0.05);
  for (const f of fractions) {
    if (!(f >= 0 && f <= 1)) {
      throw new SquintError('INVALID_ARGUMENT', `reject fractions must lie in [0, 1], got ${f}`, { input: 'fractions' });
    }
  }
  if (mode === 'recomputed' && impostors.some((c) => c.quality === undefined)) {
    throw new SquintError('INVALID_ARGUMENT', "threshold: 'recomputed' needs a quality on every impostor comparison", {
      input: 'impostors',
    });
  }
  const byQuality = <T extends { quality?: number }>(list: readonly T[]) =>
    list.map((c, i) => ({ c, i })).sort((a, b) => (a.c.quality ?? 0) - (b.c.quality ?? 0) || a.i - b.i).map((e) => e.c);
  const gen = byQuality(genuine);
  const imp = mode === 'recomputed' ? byQuality(impostors) : impostors;
  const fixed = operatingPointAt(
    gen.map((c) => c.score),
    imp.map((c) => c.score),
    fmr,
  );
  let reason: string | undefined;
  const points = fractions.map((f): ErrorVersusRejectPoint => {
    const cut = Math.floor(f * gen.length + 1e-9);
    const rejected = gen.length ? cut / gen.length : 0;
    const kept = gen.slice(cut).map((c) => c.score);
    if (kept.length === 0) return { rejected, fnmr: null, threshold: null };
    const op =
      mode === 'fixed'
        ? fixed
        : operatingPointAt(kept, imp.slice(Math.floor(f * imp.length + 1e-9)).map((c) => c.score), fmr);
    if (op.threshold === null) {
      reason = op.reason;
      return { rejected, fnmr: null, threshold: null };
    }
    const t = op.threshold;
    return { rejected, fnmr: kept.filter((s) => s < t).length / kept.length, threshold: t };
  });
  return reason ? { fmr, mode, points, reason } : { fmr, mode, points };
}
