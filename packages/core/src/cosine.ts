import { SquintError } from './errors';

/** Inner product; both vectors must have the same length. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new SquintError('INVALID_ARGUMENT', `vectors differ in length (${a.length} vs ${b.length}); compare embeddings from the same model`);
  }
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** A unit-length copy. A zero (or non-finite) vector has no direction, so it is refused. */
export function l2normalize(v: ArrayLike<number>): Float32Array {
  const norm = Math.sqrt(dot(v, v));
  if (!(norm > 0) || !Number.isFinite(norm)) {
    throw new SquintError('INVALID_ARGUMENT', `cannot L2-normalise a vector with norm ${norm}; the embedding is empty, zero or contains NaN/Inf`);
  }
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / norm;
  return out;
}

/** Cosine similarity in [-1, 1]; 0 when either vector is zero (no direction to compare). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ab = dot(a, b);
  const n = Math.sqrt(dot(a, a) * dot(b, b));
  return n > 0 ? Math.max(-1, Math.min(1, ab / n)) : 0;
}
