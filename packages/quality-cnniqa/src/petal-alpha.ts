import { SquintError } from '@squint/core';
import { mulberry32 } from './seeded-random';

export interface PetalAlphaOptions {
  /**
   * Clamp alpha to [0, 1]. Off by default: PETALface's code uses 0.5 + (q - t) as is, so alpha
   * may leave [0, 1] and push the two LoRA adapters past a pure mix.
   */
  clamp?: boolean;
}

/**
 * PETALface's per-sample adapter weight: alpha = 0.5 + (q - t). Alpha weights the high-quality
 * adapter and 1 - alpha the low-quality one, so a face exactly at the threshold mixes them evenly.
 */
export function petalAlpha(q: number, t: number, options: PetalAlphaOptions = {}): number {
  const alpha = 0.5 + (q - t);
  return options.clamp ? Math.min(1, Math.max(0, alpha)) : alpha;
}

/** The calibrated threshold with the statistics it came from; JSON-safe, saved next to the model. */
export interface QualityThreshold {
  /** t = mean + std of the sampled qualities. */
  t: number;
  mean: number;
  /** Population standard deviation (divides by n). */
  std: number;
  /** How many qualities were sampled. */
  n: number;
  /** Name of the estimator that produced the qualities: a threshold only means something for it. */
  estimator: string;
  /** Seed of the sampling, so the calibration can be repeated. */
  seed: number;
}

export interface CalibrateOptions {
  /** How many qualities to sample (without replacement). Default 1,000, as in PETALface. */
  samples?: number;
  /** Seed of the sampling. Default 0. */
  seed?: number;
  /** Recorded in the result. Default 'unknown'. */
  estimator?: string;
}

/**
 * PETALface's threshold t = mean + std of q over N samples of the user's own data (N = 1,000 in
 * their scripts). With fewer qualities than `samples` all of them are used.
 */
export function calibrateThreshold(qualities: readonly number[], options: CalibrateOptions = {}): QualityThreshold {
  const { samples = 1000, seed = 0, estimator = 'unknown' } = options;
  if (!Number.isInteger(samples) || samples < 1) {
    throw new SquintError('INVALID_ARGUMENT', `samples must be a positive integer, got ${samples}`);
  }
  const bad = qualities.findIndex((q) => !Number.isFinite(q));
  if (bad >= 0) {
    throw new SquintError('INVALID_ARGUMENT', `quality ${bad} is ${qualities[bad]}; calibrate on finite qualities only`, { input: `quality ${bad}` });
  }
  if (qualities.length < 2) {
    throw new SquintError('INVALID_ARGUMENT', `calibration needs at least 2 qualities, got ${qualities.length}`);
  }
  const picked = sampleWithoutReplacement(qualities, Math.min(samples, qualities.length), seed);
  const n = picked.length;
  const mean = picked.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(picked.reduce((a, q) => a + (q - mean) ** 2, 0) / n);
  return { t: mean + std, mean, std, n, estimator, seed };
}

/** Partial Fisher–Yates with mulberry32: the same seed picks the same qualities on every platform. */
function sampleWithoutReplacement(values: readonly number[], k: number, seed: number): number[] {
  const a = values.slice();
  const rand = mulberry32(seed);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

/** The threshold as a small JSON document (writing it to a file is the caller's job). */
export function thresholdToJson(threshold: QualityThreshold): string {
  return JSON.stringify({ format: 'squint-quality-threshold', version: 1, ...threshold }, null, 2);
}

/** Reads what thresholdToJson wrote (a string or the parsed object); `label` names the file in errors. */
export function thresholdFromJson(json: string | object, label = 'threshold'): QualityThreshold {
  let doc: Record<string, unknown>;
  try {
    doc = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, unknown>;
  } catch (e) {
    throw new SquintError('INVALID_ARGUMENT', `threshold file is not JSON (${(e as Error).message})`, { input: label });
  }
  if (!doc || typeof doc !== 'object' || doc.format !== 'squint-quality-threshold') {
    throw new SquintError('INVALID_ARGUMENT', 'not a Squint quality threshold (format "squint-quality-threshold" missing); make one with calibrateThreshold()', { input: label });
  }
  for (const key of ['t', 'mean', 'std', 'n', 'seed'] as const) {
    if (typeof doc[key] !== 'number' || !Number.isFinite(doc[key])) {
      throw new SquintError('INVALID_ARGUMENT', `threshold field "${key}" is ${JSON.stringify(doc[key])}, expected a finite number`, { input: label });
    }
  }
  const { t, mean, std, n, seed } = doc as unknown as QualityThreshold;
  return { t, mean, std, n, seed, estimator: typeof doc.estimator === 'string' ? doc.estimator : 'unknown' };
}
