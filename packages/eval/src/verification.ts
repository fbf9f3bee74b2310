import { SquintError } from '@squint/core';
import { createRandom } from './random';

/**
 * 1:1 verification metrics from pair scores (higher = more similar; a pair is accepted when
 * score >= threshold).
 *
 * Accuracy (LFW style): pairs are split into k folds; for each fold the threshold that maximises
 * accuracy on the other k - 1 folds is applied to it. Reported: mean and population std (numpy's
 * default, as the common LFW scripts print) of the k fold accuracies. Folds are contiguous blocks in
 * input order by default (fold of pair i = floor(i * k / n)), which reproduces LFW's 10 sets of
 * 600 pairs when pairs come in pairs.txt order; `foldAssignment: { shuffleSeed }` shuffles first.
 * The threshold is searched exactly (every midpoint between consecutive distinct scores); among
 * equally accurate thresholds the lowest wins.
 *
 * TAR@FAR: with N impostor pairs, FAR f allows k = floor(f * N) false accepts; the threshold is put
 * just above the (k + 1)-th highest impostor score (midway to the next higher score), so at most k
 * impostors pass. When N * f < 1 not even one false accept can be measured: the entry is null with
 * the reason, never an extrapolated number.
 */
export interface VerificationOptions {
  folds?: number;
  fars?: number[];
  foldAssignment?: 'contiguous' | { shuffleSeed: number };
  /** Most points kept in `roc` (for plotting); default 200. */
  rocPoints?: number;
}

export interface RocCurve {
  far: number[];
  tar: number[];
  thresholds: number[];
}

export type OperatingPoint =
  | {
      tar: number;
      /** Achieved FAR on these impostors (<= the target). */
      far: number;
      threshold: number;
      /** Impostor pairs the target FAR allows to pass, floor(target * impostors). */
      falseAcceptsAllowed: number;
    }
  | { tar: null; far: null; threshold: null; reason: string };

export interface VerificationSummary {
  pairs: number;
  genuine: number;
  impostor: number;
  accuracy: { mean: number; std: number; folds: number[]; thresholds: number[]; assignment: string };
  roc: RocCurve;
  tarAtFar: Record<number, OperatingPoint>;
  eer: number;
  eerThreshold: number;
  auc: number;
}

export interface VerificationMetrics extends VerificationSummary {
  /** Threshold that keeps FAR <= targetFar on these impostor scores (same rule as `tarAtFar`). */
  calibratedThreshold(targetFar: number): OperatingPoint;
}

export function verificationMetrics(
  scores: readonly number[],
  same: readonly boolean[],
  options: VerificationOptions = {},
): VerificationMetrics {
  if (scores.length !== same.length) {
    throw new SquintError('INVALID_ARGUMENT', `${scores.length} scores but ${same.length} same/different labels`, {
      input: 'same',
    });
  }
  scores.forEach((s, i) => {
    if (!Number.isFinite(s)) {
      throw new SquintError('INVALID_ARGUMENT', `score ${s} is not finite; check the embeddings of this pair`, {
        input: `pair ${i}`,
      });
    }
  });
  const genuine = Float64Array.from(scores.filter((_, i) => same[i])).sort();
  const impostor = Float64Array.from(scores.filter((_, i) => !same[i])).sort();
  if (genuine.length === 0 || impostor.length === 0) {
    throw new SquintError(
      'INVALID_ARGUMENT',
      `verification needs both genuine and impostor pairs (got ${genuine.length} genuine, ${impostor.length} impostor)`,
      { input: 'same' },
    );
  }
  const k = options.folds ?? 10;
  if (!Number.isInteger(k) || k < 2 || k > scores.length) {
    throw new SquintError('INVALID_ARGUMENT', `folds must be an integer in 2..${scores.length}, got ${k}`, {
      input: 'folds',
    });
  }
  const all = Float64Array.from(scores).sort();
  const operatingPoint = (f: number) => tarAtFarOf(genuine, impostor, all, f);
  const tarAtFar: Record<number, OperatingPoint> = {};
  for (const f of options.fars ?? [1e-1, 1e-2, 1e-3, 1e-4]) tarAtFar[f] = operatingPoint(f);

  const fullRoc = exactRoc(genuine, impostor);
  const { eer, threshold: eerThreshold } = equalErrorRate(fullRoc);
  return {
    pairs: scores.length,
    genuine: genuine.length,
    impostor: impostor.length,
    accuracy: foldAccuracy(scores, same, k, options.foldAssignment ?? 'contiguous'),
    roc: downsampleRoc(fullRoc, options.rocPoints ?? 200, impostor.length),
    tarAtFar,
    eer,
    eerThreshold,
    auc: trapezoidArea(fullRoc),
    calibratedThreshold: operatingPoint,
  };
}

function foldAccuracy(
  scores: readonly number[],
  same: readonly boolean[],
  k: number,
  assignment: NonNullable<VerificationOptions['foldAssignment']>,
): VerificationSummary['accuracy'] {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i);
  if (assignment !== 'contiguous') {
    const rnd = createRandom(assignment.shuffleSeed);
    for (let i = n - 1; i > 0; i--) {
      const j = rnd.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  const fold = new Int32Array(n);
  order.forEach((pair, pos) => (fold[pair] = Math.floor((pos * k) / n)));
  const folds: number[] = [];
  const thresholds: number[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    for (let i = 0; i < n; i++) if (fold[i] !== f) train.push(i);
    const t = bestThreshold(train.map((i) => scores[i]), train.map((i) => same[i]));
    let right = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (fold[i] !== f) continue;
      count++;
      if (scores[i] >= t === same[i]) right++;
    }
    folds.push(right / count);
    thresholds.push(t);
  }
  const mean = folds.reduce((a, b) => a + b, 0) / k;
  const std = Math.sqrt(folds.reduce((a, b) => a + (b - mean) ** 2, 0) / k);
  return {
    mean,
    std,
    folds,
    thresholds,
    assignment: assignment === 'contiguous' ? 'contiguous' : `shuffled (seed ${assignment.shuffleSeed})`,
  };
}

/** Accuracy-maximising threshold, exact: sweep the sorted scores once. */
function bestThreshold(scores: number[], same: boolean[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let correct = same.filter(Boolean).length; // threshold below everything: all accepted
  let best = correct;
  let bestT = scores[idx[0]];
  let i = 0;
  while (i < idx.length) {
    const v = scores[idx[i]];
    while (i < idx.length && scores[idx[i]] === v) {
      correct += same[idx[i]] ? -1 : 1;
      i++;
    }
    if (correct > best) {
      best = correct;
      bestT = i < idx.length ? (v + scores[idx[i]]) / 2 : justAbove(v);
    }
  }
  return bestT;
}

function tarAtFarOf(genuine: Float64Array, impostor: Float64Array, all: Float64Array, f: number): OperatingPoint {
  const nI = impostor.length;
  if (!(f > 0)) {
    return { tar: null, far: null, threshold: null, reason: `target FAR must be > 0, got ${f}` };
  }
  if (nI * f < 1 - 1e-9) {
    return {
      tar: null,
      far: null,
      threshold: null,
      reason: `only ${nI} impostor pairs: FAR ${f} needs at least ${Math.ceil(1 / f - 1e-9)} to allow one false accept`,
    };
  }
  const allowed = Math.floor(nI * f + 1e-9);
  if (allowed >= nI) {
    return { tar: 1, far: 1, threshold: all[0], falseAcceptsAllowed: allowed };
  }
  // impostor is ascending: the (allowed + 1)-th highest must be rejected, with everything tied to it.
  const cut = impostor[nI - 1 - allowed];
  const above = upperBound(all, cut);
  const threshold = above < all.length ? (cut + all[above]) / 2 : justAbove(cut);
  return {
    tar: (genuine.length - upperBound(genuine, cut)) / genuine.length,
    far: (nI - upperBound(impostor, cut)) / nI,
    threshold,
    falseAcceptsAllowed: allowed,
  };
}

/**
 * The TAR@FAR rule on its own, for callers that have raw genuine and impostor scores (calibration,
 * error-versus-reject curves).
 */
export function operatingPointAt(genuine: readonly number[], impostor: readonly number[], far: number): OperatingPoint {
  const g = Float64Array.from(genuine).sort();
  const i = Float64Array.from(impostor).sort();
  if (g.length === 0 || i.length === 0) {
    return { tar: null, far: null, threshold: null, reason: `needs genuine and impostor scores (got ${g.length} and ${i.length})` };
  }
  const all = new Float64Array(g.length + i.length);
  all.set(g);
  all.set(i, g.length);
  return tarAtFarOf(g, i, all.sort(), far);
}

/** Every distinct threshold, from accept-nothing (0, 0) to accept-all (1, 1). */
function exactRoc(genuine: Float64Array, impostor: Float64Array): RocCurve {
  const far = [0];
  const tar = [0];
  const thresholds = [justAbove(Math.max(genuine[genuine.length - 1], impostor[impostor.length - 1]))];
  let g = genuine.length - 1;
  let i = impostor.length - 1;
  while (g >= 0 || i >= 0) {
    const v = Math.max(g >= 0 ? genuine[g] : -Infinity, i >= 0 ? impostor[i] : -Infinity);
    while (g >= 0 && genuine[g] === v) g--;
    while (i >= 0 && impostor[i] === v) i--;
    far.push((impostor.length - 1 - i) / impostor.length);
    tar.push((genuine.length - 1 - g) / genuine.length);
    thresholds.push(v);
  }
  return { far, tar, thresholds };
}

/** FAR = FRR crossing, linearly interpolated between the two ROC points that straddle it. */
function equalErrorRate(roc: RocCurve): { eer: number; threshold: number } {
  let prev = roc.far[0] - (1 - roc.tar[0]);
  for (let i = 1; i < roc.far.length; i++) {
    const d = roc.far[i] - (1 - roc.tar[i]);
    if (d >= 0) {
      const t = prev === d ? 0 : prev / (prev - d);
      return {
        eer: roc.far[i - 1] + t * (roc.far[i] - roc.far[i - 1]),
        threshold: roc.thresholds[i - 1] + t * (roc.thresholds[i] - roc.thresholds[i - 1]),
      };
    }
    prev = d;
  }
  return { eer: 0, threshold: roc.thresholds[roc.thresholds.length - 1] };
}

function trapezoidArea(roc: RocCurve): number {
  let area = 0;
  for (let i = 1; i < roc.far.length; i++) area += ((roc.far[i] - roc.far[i - 1]) * (roc.tar[i] + roc.tar[i - 1])) / 2;
  return area;
}

/** Keep the best-TAR point at each of log-spaced FARs (log-FAR plots), plus both ends. */
function downsampleRoc(roc: RocCurve, maxPoints: number, impostors: number): RocCurve {
  const n = roc.far.length;
  if (n <= maxPoints) return roc;
  const keep = new Set<number>([0, n - 1]);
  const targets = Math.max(1, maxPoints - 2);
  const lo = Math.log10(1 / impostors);
  let j = 0;
  for (let t = 0; t < targets; t++) {
    const target = 10 ** (lo + ((0 - lo) * t) / Math.max(1, targets - 1));
    while (j + 1 < n && roc.far[j + 1] <= target * (1 + 1e-12)) j++;
    keep.add(j);
  }
  const idx = [...keep].sort((a, b) => a - b).slice(0, maxPoints);
  return {
    far: idx.map((i) => roc.far[i]),
    tar: idx.map((i) => roc.tar[i]),
    thresholds: idx.map((i) => roc.thresholds[i]),
  };
}

/** Genuine vs impostor score histograms on shared edges (for plotting). */
export interface ScoreHistogram {
  edges: number[];
  genuine: number[];
  impostor: number[];
}

export function scoreHistogram(genuine: readonly number[], impostor: readonly number[], bins = 50): ScoreHistogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of [...genuine, ...impostor]) {
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  if (!Number.isFinite(lo)) return { edges: [], genuine: [], impostor: [] };
  if (hi === lo) hi = lo + 1;
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const count = (values: readonly number[]) => {
    const c = new Array<number>(bins).fill(0);
    for (const v of values) c[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
    return c;
  };
  return { edges, genuine: count(genuine), impostor: count(impostor) };
}

/** Index of the first element > v in an ascending array. */
function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function justAbove(v: number): number {
  return v + Math.max(Math.abs(v) * 1e-9, 1e-12);
}
