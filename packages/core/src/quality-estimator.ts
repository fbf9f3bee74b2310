import type { AlignedFace } from './face';

/** Scores how far a face can be trusted. Higher = better, whatever the estimator. */
export interface QualityEstimator {
  readonly name: string;
  estimate(faces: readonly AlignedFace[]): Promise<number[]>;
}
