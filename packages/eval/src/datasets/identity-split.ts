import { SquintError } from '@squint/core';
import { createRandom, deriveSeed } from '../random';
import type { DatasetItem, ImageRef } from './dataset';
import { byCodePoint } from './image-files';

export interface IdentitySplitOptions {
  /** Seed of every random choice in the split. Default 1. */
  seed?: number;
  /** Gallery images per enrolled identity. Default 1. */
  galleryPerIdentity?: number;
  /** Most enrolled identities (those with more than galleryPerIdentity images), chosen by the seed. */
  maxIdentities?: number;
  /** Most probes per enrolled identity (LFW has one person with 530 images). */
  maxProbesPerIdentity?: number;
  /** Most distractors, chosen by the seed. */
  maxDistractors?: number;
}

export interface IdentitySplit {
  gallery: DatasetItem[];
  probes: DatasetItem[];
  distractors: DatasetItem[];
  /** The rule and its parameters, in words. */
  description: string;
  seed: number;
}

/**
 * The identity-disjoint split of a folder-per-identity set:
 * - an identity with more than `galleryPerIdentity` images is "enrolled": its images are shuffled
 *   (seeded by the identity name) and the first `galleryPerIdentity` go to the gallery, the next
 *   `maxProbesPerIdentity` become probes, the rest are unused;
 * - an identity with fewer images is a distractor candidate (one image: it cannot be a probe), and
 *   each contributes its first image to the gallery as a distractor;
 * - caps choose identities by a seeded shuffle of the sorted names, so adding a folder changes
 *   only what it must.
 * Probe identities and distractor identities never overlap, and every probe has a gallery match.
 */
export function splitByIdentity(groups: ReadonlyMap<string, readonly ImageRef[]>, options: IdentitySplitOptions = {}): IdentitySplit {
  const seed = options.seed ?? 1;
  const perId = options.galleryPerIdentity ?? 1;
  checkCount(perId, 'galleryPerIdentity', 1);
  for (const k of ['maxIdentities', 'maxProbesPerIdentity', 'maxDistractors'] as const) {
    if (options[k] !== undefined) checkCount(options[k]!, k, k === 'maxDistractors' ? 0 : 1);
  }
  const names = [...groups.keys()].sort(byCodePoint);
  const enrollable = names.filter((n) => groups.get(n)!.length > perId);
  const single = names.filter((n) => groups.get(n)!.length <= perId && groups.get(n)!.length > 0);
  if (enrollable.length === 0) {
    throw new SquintError(
      'DATASET',
      `no identity has more than ${perId} image(s), so no probe can have a gallery match; use a set with several images per person`,
      { input: `${names.length} identities` },
    );
  }
  const enrolled = pick(enrollable, options.maxIdentities, deriveSeed(seed, 'identities'));
  const chosenDistractors = pick(single, options.maxDistractors, deriveSeed(seed, 'distractors'));
  const gallery: DatasetItem[] = [];
  const probes: DatasetItem[] = [];
  for (const name of enrolled) {
    const images = shuffled(groups.get(name)!, deriveSeed(seed, `identity:${name}`));
    images.slice(0, perId).forEach((r) => gallery.push({ ...r, role: 'gallery' }));
    const rest = images.slice(perId);
    rest.slice(0, options.maxProbesPerIdentity ?? rest.length).forEach((r) => probes.push({ ...r, role: 'probe' }));
  }
  const distractors = chosenDistractors.map((name): DatasetItem => ({ ...groups.get(name)![0], role: 'distractor' }));
  const byKey = (a: DatasetItem, b: DatasetItem) => byCodePoint(a.key, b.key);
  const caps = [
    options.maxIdentities !== undefined ? `at most ${options.maxIdentities} identities` : '',
    options.maxProbesPerIdentity !== undefined ? `at most ${options.maxProbesPerIdentity} probes each` : '',
    options.maxDistractors !== undefined ? `at most ${options.maxDistractors} distractors` : '',
  ].filter(Boolean);
  return {
    gallery: gallery.sort(byKey),
    probes: probes.sort(byKey),
    distractors: distractors.sort(byKey),
    seed,
    description:
      `identity-disjoint: identities with > ${perId} image(s) give ${perId} random gallery image(s) and the rest as probes; ` +
      `identities with fewer are distractors (one image each)${caps.length ? `; ${caps.join(', ')}` : ''}; seed ${seed}`,
  };
}

/** `limit` names chosen by a seeded shuffle, returned in sorted order; all of them without a limit. */
function pick(sortedNames: readonly string[], limit: number | undefined, seed: number): string[] {
  if (limit === undefined || limit >= sortedNames.length) return sortedNames.slice();
  return shuffled(sortedNames, seed).slice(0, limit).sort(byCodePoint);
}

/** Fisher-Yates with the eval package's seeded generator. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  const rnd = createRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rnd.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function checkCount(v: number, name: string, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new SquintError('INVALID_ARGUMENT', `${name} must be an integer >= ${min}, got ${v}`, { input: name });
  }
}
