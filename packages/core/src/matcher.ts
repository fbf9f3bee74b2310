export interface Match {
  identity: string;
  /** Cosine similarity of L2-normalised embeddings (inner product), in [-1, 1]. */
  score: number;
}

export interface Verification {
  score: number;
  same: boolean;
  threshold: number;
}

/** A gallery of identities, each with one or more embeddings, searched by cosine similarity. */
export interface Matcher {
  readonly modelId: string;
  readonly dim: number;
  /** Number of identities. */
  readonly size: number;
  add(identity: string, embedding: Float32Array): void;
  remove(identity: string): boolean;
  identities(): string[];
  embeddingsOf(identity: string): Float32Array[];
  /** Top-k identities; an identity scores the best of its embeddings. */
  search(query: Float32Array, k?: number): Match[];
  verify(a: Float32Array, b: Float32Array, threshold?: number): Verification;
}
