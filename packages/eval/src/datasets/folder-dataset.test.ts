import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSquintError } from '@squint/core';
import { loadFolderDataset } from './folder-dataset';
import { splitByIdentity } from './identity-split';
import type { ImageRef } from './dataset';

/** identity -> image count, as empty files (the loader reads names only). */
function makeFolders(counts: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), 'squint-folders-'));
  for (const [id, n] of Object.entries(counts)) {
    mkdirSync(join(root, id));
    for (let i = 1; i <= n; i++) writeFileSync(join(root, id, `${id}_${String(i).padStart(4, '0')}.jpg`), '');
  }
  writeFileSync(join(root, 'README.txt'), 'not an identity');
  mkdirSync(join(root, 'Empty_Person'));
  writeFileSync(join(root, 'Empty_Person', 'notes.txt'), '');
  return root;
}

const COUNTS = { Ann: 3, Bob: 2, Cid: 5, Dee: 1, Eve: 1, Fay: 1, Gus: 4, Hal: 1 };

describe('loadFolderDataset', () => {
  it('enrols one gallery image per multi-image identity, the rest are probes, singles are distractors', async () => {
    const d = await loadFolderDataset(makeFolders(COUNTS), { seed: 7 });
    expect(d.kind).toBe('photos');
    expect(d.gallery.map((i) => i.identity).sort()).toEqual(['Ann', 'Bob', 'Cid', 'Gus']);
    expect(d.probes).toHaveLength(2 + 1 + 4 + 3);
    expect(d.distractors.map((i) => i.identity)).toEqual(['Dee', 'Eve', 'Fay', 'Hal']);
    // identity-disjoint: no distractor shares a probe identity, and every probe has a gallery match
    const probeIds = new Set(d.probes.map((p) => p.identity));
    expect(d.distractors.some((x) => probeIds.has(x.identity))).toBe(false);
    const galleryIds = new Set(d.gallery.map((g) => g.identity));
    expect([...probeIds].every((id) => galleryIds.has(id))).toBe(true);
    // no image is used twice
    const keys = [...d.gallery, ...d.probes, ...d.distractors].map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(d.gallery[0].key).toMatch(/^Ann\/Ann_000\d\.jpg$/);
    expect(d.splitSeed).toBe(7);
  });

  it('is deterministic for a seed and changes with it', async () => {
    const root = makeFolders({ ...COUNTS, Ivy: 6, Jon: 6, Kim: 6 });
    const a = await loadFolderDataset(root, { seed: 1 });
    const b = await loadFolderDataset(root, { seed: 1 });
    expect(b.gallery.map((i) => i.key)).toEqual(a.gallery.map((i) => i.key));
    const others = await Promise.all([2, 3, 4, 5].map((seed) => loadFolderDataset(root, { seed })));
    expect(others.some((o) => o.gallery.map((i) => i.key).join() !== a.gallery.map((i) => i.key).join())).toBe(true);
  });

  it('applies the caps by seeded choice', async () => {
    const d = await loadFolderDataset(makeFolders(COUNTS), { seed: 3, maxIdentities: 2, maxProbesPerIdentity: 1, maxDistractors: 3 });
    expect(d.gallery).toHaveLength(2);
    expect(d.probes).toHaveLength(2);
    expect(d.distractors).toHaveLength(3);
    expect(d.split).toContain('at most 2 identities');
  });

  it('names a missing folder and an unusable one', async () => {
    const missing = await loadFolderDataset('/nonexistent/squint-data').catch((e) => e);
    expect(isSquintError(missing, 'DATASET')).toBe(true);
    expect(missing.message).toContain('/nonexistent/squint-data');
    const singles = await loadFolderDataset(makeFolders({ A: 1, B: 1 })).catch((e) => e);
    expect(isSquintError(singles, 'DATASET')).toBe(true);
    expect(singles.message).toMatch(/no identity has more than 1/);
    const empty = await loadFolderDataset(mkdtempSync(join(tmpdir(), 'squint-empty-'))).catch((e) => e);
    expect(isSquintError(empty, 'DATASET')).toBe(true);
  });
});

describe('splitByIdentity', () => {
  it('gives several gallery images per identity when asked', () => {
    const groups = new Map<string, ImageRef[]>();
    for (const id of ['a', 'b']) groups.set(id, [1, 2, 3, 4].map((n) => ({ path: `/${id}/${n}`, key: `${id}/${n}`, identity: id })));
    groups.set('c', [{ path: '/c/1', key: 'c/1', identity: 'c' }, { path: '/c/2', key: 'c/2', identity: 'c' }]);
    const s = splitByIdentity(groups, { galleryPerIdentity: 2 });
    expect(s.gallery).toHaveLength(4);
    expect(s.probes).toHaveLength(4);
    // c has only galleryPerIdentity images: it cannot be probed, so it is a distractor
    expect(s.distractors.map((d) => d.identity)).toEqual(['c']);
  });
});
