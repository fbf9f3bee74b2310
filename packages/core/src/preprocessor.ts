import type { AlignedFace } from './face';

/**
 * Works on aligned faces before quality and embedding: super-resolution, denoising, or the
 * degradations used by evaluation and training. Must return one face per input face, in order.
 */
export interface Preprocessor {
  readonly name: string;
  process(faces: readonly AlignedFace[]): Promise<AlignedFace[]>;
}
