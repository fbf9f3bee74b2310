import type { PipelineSpec } from '@squint/core';
import type { IdentificationResult } from './identification';
import type { ErrorVersusReject, QualityBreakdown } from './quality-breakdown';
import type { QualityEntry } from './quality-protocol';
import type { ScoreHistogram, VerificationSummary } from './verification';

/**
 * Everything one evaluation run produced, as plain JSON: enough to reproduce the run (recipe) and
 * to judge it (counts of what was skipped). Reports are rendered from this and nothing else.
 */
export interface EvalResults {
  schema: 'squint-eval/1';
  /** false when the run stopped early (interrupted, budget spent): reports say so loudly. */
  complete: boolean;
  incompleteReason?: string;
  startedAt?: string;
  finishedAt?: string;
  recipe: RunRecipe;
  counts: RunCounts;
  identification: IdentificationEntry[];
  verification: VerificationEntry[];
  /** The `quality` protocol: how well each quality estimator predicts recognisability. */
  quality?: QualityEntry[];
  notes?: string[];
}

export interface RunRecipe {
  dataset: {
    name: string;
    /** e.g. 'test', or how a protocol split was drawn. */
    split?: string;
    splitSeed?: number;
    /** Dataset location as given (reports print it; never needed to render). */
    root?: string;
  };
  /** Seed for degradations; each image uses deriveSeed(seed, image key). */
  seed: number;
  /** Degradation recipe names (see recipeName), 'original' for the untouched images. */
  degradations: string[];
  strategies: { name: string; pipeline: PipelineSpec | Record<string, unknown> }[];
  /** Package name -> version, e.g. { '@squint/core': '0.1.0', 'onnxruntime-node': '1.31.1' }. */
  packages: Record<string, string>;
  command?: string;
}

export interface RunCounts {
  probes: number;
  gallery: number;
  distractors: number;
  pairs?: number;
  /** Images left out for any reason (sum of the reasons below and others). */
  skipped: number;
  /** Files that could not be decoded. */
  unreadable: number;
  /** Images where detection found no face (when detection is part of the pipeline). */
  noFace?: number;
  /** A few examples of what was skipped and why. */
  skippedExamples?: { item: string; reason: string }[];
}

interface EntryKey {
  strategy: string;
  /** e.g. 'tinyface', 'lfw-lr hr-gallery'. */
  protocol: string;
  /** Recipe name of the degradation applied to the probes ('original' for none). */
  degradation: string;
  /** Probe face width in px; null = original resolution. */
  size: number | null;
}

export interface IdentificationEntry extends EntryKey {
  metrics: IdentificationResult;
  /** Metrics by bins of per-probe covariates (quality score, face width...). */
  breakdowns?: (QualityBreakdown & { covariate: string })[];
}

export interface VerificationEntry extends EntryKey {
  metrics: VerificationSummary;
  histogram?: ScoreHistogram;
  errorVersusReject?: (ErrorVersusReject & { quality: string })[];
}
