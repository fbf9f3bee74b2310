import { dot, SquintError, type StrategySpec } from '@squint/core';
import { similarityMatrix } from './identification';
import { errorVersusReject, spearman, type ErrorVersusReject, type ScoredComparison } from './quality-breakdown';

/**
 * The `quality` protocol: does a quality estimator predict whether a face will be recognised?
 *
 * Every probe of the split is degraded to its own face width, drawn log-uniformly from a range
 * (see mixed-size.ts), and judged two ways:
 * - recognisability = cosine(embedding of the degraded probe, embedding of the same image in HR),
 *   with the strategy's own pipeline; each estimator's score on the degraded face is compared with
 *   it by Spearman rank correlation;
 * - error versus reject: each degraded probe against every HR gallery image (same identity =
 *   genuine, others = impostors); FNMR at a fixed FMR, the threshold set once on all impostors
 *   (ISO/IEC 29794-1 error-versus-discard), as the lowest-scored probes are rejected.
 * The probe's drawn face width is the reference row ("native side"): an estimator that only
 * rediscovers the size cannot beat it when size is all that varies.
 */

export interface QualityProtocolOptions {
  /**
   * Quality strategies to judge, as named in a registry ('classical', { name: 'stability' }, ...).
   * A spec without `options.backbone` gets the strategy's backbone there (the stability estimator
   * needs one; others ignore it). Default: the pipeline's own `quality`, else 'classical'.
   */
  estimators?: StrategySpec[];
  /** Probe face widths [low, high] px, drawn log-uniformly per probe. Default [12, 112]. */
  sizeRange?: [number, number];
  /** The false match rate at which FNMR is read. Default 1e-3. */
  fmr?: number;
  /** Fractions of the lowest-scored probes to reject. Default 0, 0.05, ..., 0.5. */
  fractions?: number[];
}

export const DEFAULT_QUALITY_SIZE_RANGE: [number, number] = [12, 112];
export const DEFAULT_REJECT_FRACTIONS: readonly number[] = Array.from({ length: 11 }, (_, i) => i / 20);
/** Name of the reference row: the probe's face width as if it were a quality score. */
export const NATIVE_SIDE = 'native side (px)';

/** Mean recognisability of the probes in one score bin (equal-count bins, lowest scores first). */
export interface RecognisabilityBin {
  lo: number;
  hi: number;
  count: number;
  meanRecognisability: number;
}

export interface QualityEstimatorResult {
  /** Label in the report: the spec's name (plus its options when given), or NATIVE_SIDE. */
  name: string;
  /** The spec as resolved (with the backbone filled in); null for the native-side reference. */
  spec: StrategySpec | null;
  /** Probes with a finite score. */
  scored: number;
  /** Probes the estimator could not score: left out of Spearman, rejected first in the curve. */
  unscored: number;
  unscoredReason?: string;
  /** Spearman(score, recognisability) over the scored probes; null when undefined (a constant side). */
  spearman: number | null;
  errorVersusReject: ErrorVersusReject;
  bins: RecognisabilityBin[];
  /** Wall time per face of the faces scored in this run (absent when all came from the cache). */
  msPerFace?: number;
}

export interface QualityFace {
  key: string;
  /** Drawn face width, px. */
  size: number;
  recognisability: number;
  /** One per estimator row, in the order of `estimators` (the reference included); null = unscored. */
  scores: (number | null)[];
}

export interface QualityEntry {
  strategy: string;
  protocol: 'quality';
  /** The mixed-size recipe, e.g. `bicubic@12~112`. */
  degradation: string;
  sizeRange: [number, number];
  probes: number;
  genuine: number;
  impostor: number;
  fmr: number;
  /** The rejected fractions asked for, in the order of every curve's points. */
  fractions: number[];
  meanRecognisability: number;
  estimators: QualityEstimatorResult[];
  faces: QualityFace[];
}

/** What qualityMetrics needs per probe: its degraded and HR embeddings and its scores. */
export interface QualityProbe {
  key: string;
  identity: string;
  size: number;
  degraded: Float32Array;
  hr: Float32Array;
  /** One per estimator (NaN = unscored). */
  scores: readonly number[];
}

export interface QualityEstimatorInput {
  name: string;
  spec: StrategySpec;
  unscoredReason?: string;
  msPerFace?: number;
}

type QualityMetrics = Omit<QualityEntry, 'strategy' | 'protocol' | 'degradation' | 'sizeRange'>;

/** The protocol's numbers from embeddings and scores (no models involved). */
export function qualityMetrics(
  probes: readonly QualityProbe[],
  gallery: readonly { identity: string; embedding: Float32Array }[],
  estimators: readonly QualityEstimatorInput[],
  options: { fmr?: number; fractions?: readonly number[] } = {},
): QualityMetrics {
  const fmr = options.fmr ?? 1e-3;
  const fractions = [...(options.fractions ?? DEFAULT_REJECT_FRACTIONS)];
  if (!(fmr > 0 && fmr < 1)) throw new SquintError('INVALID_ARGUMENT', `the quality protocol's FMR must lie in (0, 1), got ${fmr}`, { input: 'fmr' });
  if (probes.length < 2) throw new SquintError('DATASET', `the quality protocol needs at least 2 usable probes, got ${probes.length}`, { input: 'probes' });
  if (gallery.length === 0) throw new SquintError('DATASET', 'the quality protocol needs a gallery to compare the probes with', { input: 'gallery' });
  for (const p of probes) {
    if (p.scores.length !== estimators.length) {
      throw new SquintError('INVALID_ARGUMENT', `probe ${p.key} has ${p.scores.length} scores for ${estimators.length} estimators`, { input: p.key });
    }
  }

  const recognisability = probes.map((p) => dot(p.degraded, p.hr));
  const genuine: { score: number; probe: number }[] = [];
  const impostors: { score: number }[] = [];
  const rows = 256;
  for (let start = 0; start < probes.length; start += rows) {
    const part = probes.slice(start, start + rows);
    const sims = similarityMatrix(part.map((p) => p.degraded), gallery.map((g) => g.embedding));
    part.forEach((p, i) => {
      for (let j = 0; j < gallery.length; j++) {
        const score = sims[i * gallery.length + j];
        if (gallery[j].identity === p.identity) genuine.push({ score, probe: start + i });
        else impostors.push({ score });
      }
    });
  }
  if (genuine.length === 0) throw new SquintError('DATASET', 'no probe has a gallery image of its identity: the quality protocol has no genuine comparison', { input: 'gallery' });

  const rowsIn: { name: string; spec: StrategySpec | null; scores: number[]; unscoredReason?: string; msPerFace?: number }[] = [
    { name: NATIVE_SIDE, spec: null, scores: probes.map((p) => p.size) },
    ...estimators.map((e, k) => ({ ...e, scores: probes.map((p) => p.scores[k]) })),
  ];
  const results = rowsIn.map((row): QualityEstimatorResult => {
    const finite = row.scores.map((_, i) => i).filter((i) => Number.isFinite(row.scores[i]));
    const rho = spearman(finite.map((i) => row.scores[i]), finite.map((i) => recognisability[i]));
    // An unscored face earns no trust: it is the first to be rejected.
    const q = row.scores.map((s) => (Number.isFinite(s) ? s : -Infinity));
    const gen: ScoredComparison[] = genuine.map((g) => ({ score: g.score, quality: q[g.probe] }));
    const out: QualityEstimatorResult = {
      name: row.name,
      spec: row.spec,
      scored: finite.length,
      unscored: probes.length - finite.length,
      spearman: Number.isFinite(rho) ? rho : null,
      errorVersusReject: errorVersusReject(gen, impostors, { fmr, fractions, threshold: 'fixed' }),
      bins: recognisabilityBins(finite.map((i) => row.scores[i]), finite.map((i) => recognisability[i])),
    };
    if (row.unscoredReason && out.unscored > 0) out.unscoredReason = row.unscoredReason;
    if (row.msPerFace !== undefined) out.msPerFace = row.msPerFace;
    return out;
  });

  return {
    probes: probes.length,
    genuine: genuine.length,
    impostor: impostors.length,
    fmr,
    fractions,
    meanRecognisability: recognisability.reduce((a, b) => a + b, 0) / recognisability.length,
    estimators: results,
    faces: probes.map((p, i) => ({
      key: p.key,
      size: p.size,
      recognisability: round(recognisability[i]),
      scores: rowsIn.map((r) => (Number.isFinite(r.scores[i]) ? round(r.scores[i]) : null)),
    })),
  };
}

/** Equal-count bins of score (ties kept together), each with its probes' mean recognisability. */
export function recognisabilityBins(scores: readonly number[], recognisability: readonly number[], bins = 10): RecognisabilityBin[] {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const out: RecognisabilityBin[] = [];
  let start = 0;
  for (let b = 1; b <= bins && start < order.length; b++) {
    let end = Math.max(start + 1, Math.round((order.length * b) / bins));
    while (end < order.length && scores[order[end]] === scores[order[end - 1]]) end++;
    if (b === bins) end = order.length;
    const idx = order.slice(start, end);
    if (idx.length) {
      out.push({
        lo: scores[idx[0]],
        hi: scores[idx[idx.length - 1]],
        count: idx.length,
        meanRecognisability: idx.reduce((s, i) => s + recognisability[i], 0) / idx.length,
      });
    }
    start = end;
  }
  return out;
}

/** Label of an estimator spec in the report: its name, plus its options when the user gave any. */
export function estimatorLabel(spec: StrategySpec): string {
  if (typeof spec === 'string') return spec;
  const options = spec.options && Object.keys(spec.options).length ? ` ${JSON.stringify(spec.options)}` : '';
  return `${spec.name}${options}`;
}

/** The spec with the strategy's backbone as `options.backbone`, unless it names its own. */
export function withBackbone(spec: StrategySpec, backbone: StrategySpec): { name: string; options: Record<string, unknown> } {
  const { name, options = {} } = typeof spec === 'string' ? { name: spec } : spec;
  return { name, options: options.backbone === undefined ? { ...options, backbone } : { ...options } };
}

/** Six significant digits: the per-face list is for plots and re-analysis, not for bit-exactness. */
function round(v: number): number {
  return Number(v.toPrecision(6));
}
