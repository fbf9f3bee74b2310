import type { AlignedFace } from './face';

export interface Backbone {
  readonly name: string;
  /** Identifies the embedding space: galleries from another model id are refused. */
  readonly modelId: string;
  readonly dim: number;
  /**
   * L2-normalised embeddings, one per face, in one batched inference where the model allows.
   * `quality` (same order) is the face's estimated quality; quality-conditioned backbones
   * (PETALface) use it, others ignore it.
   */
  embed(faces: readonly AlignedFace[], quality?: readonly (number | undefined)[]): Promise<Float32Array[]>;
}
