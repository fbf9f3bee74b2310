import { cosine } from './cosine';
import { SquintError } from './errors';
import type { Match, Matcher, Verification } from './matcher';

/**
 * Cosine score at or above which `verify` calls two faces the same person. Calibrated for the
 * default embedding model: on lfw-dev's 3,206 verification pairs at full resolution the threshold
 * for FAR = 1e-3 is 0.347 (TAR 96.9%; see @squint/eval's README, "Baselines"). It is not valid for
 * other models, and at 16 px the same FAR needs 0.645: calibrate with `squint eval --pairs` for
 * your model and resolution rather than trusting raw cosine scores.
 */
export const DEFAULT_VERIFY_THRESHOLD = 0.35;

export interface GalleryOptions {
  /** The backbone that made the embeddings: galleries from another model are refused on load. */
  modelId: string;
  dim: number;
}

/** An in-memory Matcher that can be listed and serialised (see gallery-format.ts). */
export interface Gallery extends Matcher {
  /** Number of embeddings over all identities. */
  readonly count: number;
  /** Identities in insertion order, each with its (L2-normalised) embeddings. */
  entries(): IterableIterator<[identity: string, embeddings: Float32Array[]]>;
}

/**
 * Exact cosine search. Embeddings live in one growing row-major Float32Array, so a search is a single
 * pass of dot products; vectors are stored L2-normalised, so dot products are cosines.
 */
export function createGallery(options: GalleryOptions): Gallery {
  const { modelId, dim } = options;
  if (typeof modelId !== 'string' || modelId === '') {
    throw new SquintError('INVALID_ARGUMENT', 'gallery needs the modelId of the backbone that makes its embeddings');
  }
  if (!Number.isInteger(dim) || dim < 1) throw new SquintError('INVALID_ARGUMENT', `gallery dim must be a positive integer, got ${dim}`);

  const names: string[] = [];
  const slotOf = new Map<string, number>();
  let matrix = new Float32Array(16 * dim);
  let owner = new Int32Array(16);
  let rows = 0;

  function normalised(v: Float32Array, what: string): Float32Array {
    if (!(v instanceof Float32Array) || v.length !== dim) {
      throw new SquintError('INVALID_ARGUMENT', `${what} must be a Float32Array of length ${dim} (model ${modelId}), got ${v instanceof Float32Array ? `length ${v.length}` : typeof v}; embed with the same backbone as the gallery`);
    }
    let sq = 0;
    for (let i = 0; i < dim; i++) sq += v[i] * v[i];
    if (!Number.isFinite(sq)) throw new SquintError('INVALID_ARGUMENT', `${what} contains NaN or Infinity; the model output is unusable`);
    if (sq === 0) throw new SquintError('INVALID_ARGUMENT', `${what} is all zeros and has no direction to compare`);
    // Already unit length (up to float32 rounding): keep the exact values so save/load is lossless.
    if (Math.abs(sq - 1) < 1e-6) return v.slice();
    const n = Math.sqrt(sq), out = new Float32Array(dim);
    for (let i = 0; i < dim; i++) out[i] = v[i] / n;
    return out;
  }

  function rowsOf(slot: number): Float32Array[] {
    const out: Float32Array[] = [];
    for (let r = 0; r < rows; r++) if (owner[r] === slot) out.push(matrix.slice(r * dim, (r + 1) * dim));
    return out;
  }

  const gallery: Gallery = {
    modelId,
    dim,
    get size() {
      return names.length;
    },
    get count() {
      return rows;
    },
    add(identity, embedding) {
      if (typeof identity !== 'string' || identity === '') {
        throw new SquintError('INVALID_ARGUMENT', 'identity must be a non-empty string');
      }
      const v = normalised(embedding, `embedding for "${identity}"`);
      let slot = slotOf.get(identity);
      if (slot === undefined) {
        slot = names.push(identity) - 1;
        slotOf.set(identity, slot);
      }
      if (rows === owner.length) {
        const grown = new Float32Array(matrix.length * 2);
        grown.set(matrix);
        matrix = grown;
        const grownOwner = new Int32Array(owner.length * 2);
        grownOwner.set(owner);
        owner = grownOwner;
      }
      matrix.set(v, rows * dim);
      owner[rows++] = slot;
    },
    remove(identity) {
      const slot = slotOf.get(identity);
      if (slot === undefined) return false;
      let kept = 0;
      for (let r = 0; r < rows; r++) {
        if (owner[r] === slot) continue;
        if (kept !== r) matrix.copyWithin(kept * dim, r * dim, (r + 1) * dim);
        owner[kept++] = owner[r] > slot ? owner[r] - 1 : owner[r];
      }
      rows = kept;
      names.splice(slot, 1);
      slotOf.clear();
      names.forEach((n, i) => slotOf.set(n, i));
      return true;
    },
    identities() {
      return names.slice();
    },
    embeddingsOf(identity) {
      const slot = slotOf.get(identity);
      return slot === undefined ? [] : rowsOf(slot);
    },
    search(query, k = 5) {
      if (!Number.isInteger(k) || k < 1) throw new SquintError('INVALID_ARGUMENT', `search k must be a positive integer, got ${k}`);
      const q = normalised(query, 'query embedding');
      const best = new Float64Array(names.length).fill(-Infinity);
      for (let r = 0, o = 0; r < rows; r++, o += dim) {
        let s = 0;
        for (let i = 0; i < dim; i++) s += matrix[o + i] * q[i];
        if (s > best[owner[r]]) best[owner[r]] = s;
      }
      const matches: Match[] = names.map((identity, i) => ({ identity, score: Math.max(-1, Math.min(1, best[i])) }));
      // Ties go to the lexicographically smaller name (code-unit order: locale-independent).
      matches.sort((a, b) => b.score - a.score || (a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : 0));
      return matches.slice(0, k);
    },
    verify(a, b, threshold = DEFAULT_VERIFY_THRESHOLD): Verification {
      const score = cosine(normalised(a, 'first embedding'), normalised(b, 'second embedding'));
      return { score, same: score >= threshold, threshold };
    },
    *entries() {
      // One grouping pass, not one scan per identity: serialising large galleries stays linear.
      const groups: Float32Array[][] = names.map(() => []);
      for (let r = 0; r < rows; r++) groups[owner[r]].push(matrix.slice(r * dim, (r + 1) * dim));
      for (let slot = 0; slot < names.length; slot++) yield [names[slot], groups[slot]];
    },
  };
  return gallery;
}
