import { existsSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { SquintError } from '@squint/core';
import { deriveSeed } from '../random';
import type { DatasetItem, DatasetRole, IdentificationDataset } from './dataset';
import { byCodePoint, imageFilesIn, isFolder, requireFolder, toKey } from './image-files';
import { shuffled } from './identity-split';
import { matNumberList, matReaderAvailable, matStringList, readMatVariables } from './mat-file';

/** Label of every distractor: no file-name prefix can produce it, so it matches no probe. */
export const DISTRACTOR_LABEL = '<distractor>';

export interface TinyFaceOptions {
  /** Seed for the caps below. Default 1. */
  seed?: number;
  /** Most probes (seeded choice); default all 3,728. */
  maxProbes?: number;
  /** Most distractors (seeded choice); default all 153,428. */
  maxDistractors?: number;
  name?: string;
}

const FOLDERS = { probe: 'Probe', match: 'Gallery_Match', distractor: 'Gallery_Distractor' } as const;

/**
 * TinyFace test set: `Probe/`, `Gallery_Match/`, `Gallery_Distractor/` under the root, or under
 * `Testing_Set/` or `tinyface/Testing_Set/` inside it. Identity = file-name prefix before the first
 * `_`. When `probe_img_ID_pairs.mat` / `gallery_match_img_ID_pairs.mat` sit next to the folders,
 * their file lists and identity numbers are the protocol and win over the folder listing.
 * Gallery = matches + every distractor (label DISTRACTOR_LABEL).
 */
export async function loadTinyFace(root: string, options: TinyFaceOptions = {}): Promise<IdentificationDataset> {
  const abs = resolve(root);
  await requireFolder(abs, 'TinyFace root');
  const dir = await findTestingSet(abs);
  const seed = options.seed ?? 1;
  const notes: string[] = [];

  const probes = await roleItems(dir, 'probe', 'probe_img_ID_pairs.mat', 'probe_set', 'probe_ids', notes);
  const gallery = await roleItems(dir, 'match', 'gallery_match_img_ID_pairs.mat', 'gallery_set', 'gallery_ids', notes);
  let distractors: DatasetItem[] = [];
  if (await isFolder(join(dir, FOLDERS.distractor))) {
    distractors = (await imageFilesIn(join(dir, FOLDERS.distractor))).map((f) => item(dir, FOLDERS.distractor, f, DISTRACTOR_LABEL, 'distractor'));
  } else {
    notes.push(`no ${FOLDERS.distractor}/ folder: the gallery has no distractors`);
  }
  const chosenProbes = cap(probes, options.maxProbes, deriveSeed(seed, 'probes'), 'maxProbes');
  const chosenDistractors = cap(distractors, options.maxDistractors, deriveSeed(seed, 'distractors'), 'maxDistractors');
  if (options.maxProbes !== undefined && chosenProbes.length < probes.length) notes.push(`${chosenProbes.length} of ${probes.length} probes (seeded)`);
  if (options.maxDistractors !== undefined && chosenDistractors.length < distractors.length) {
    notes.push(`${chosenDistractors.length} of ${distractors.length} distractors (seeded)`);
  }
  return {
    name: options.name ?? 'tinyface',
    root: dir,
    kind: 'crops',
    gallery,
    probes: chosenProbes,
    distractors: chosenDistractors,
    split: ['TinyFace test protocol: gallery = Gallery_Match + Gallery_Distractor', ...notes].join('; '),
    splitSeed: options.maxProbes !== undefined || options.maxDistractors !== undefined ? seed : undefined,
  };
}

/** Identity of a TinyFace file: its name up to the first `_` (the whole stem when there is none). */
export function tinyFaceIdentity(fileName: string): string {
  const stem = basename(fileName, extname(fileName));
  const cut = stem.indexOf('_');
  return cut < 0 ? stem : stem.slice(0, cut);
}

async function findTestingSet(root: string): Promise<string> {
  for (const dir of [root, join(root, 'Testing_Set'), join(root, 'tinyface', 'Testing_Set')]) {
    if ((await isFolder(join(dir, FOLDERS.probe))) && (await isFolder(join(dir, FOLDERS.match)))) return dir;
  }
  throw new SquintError(
    'DATASET',
    `no TinyFace test set here: expected ${FOLDERS.probe}/ and ${FOLDERS.match}/ (and ${FOLDERS.distractor}/) in this folder, in Testing_Set/ or in tinyface/Testing_Set/`,
    { input: root },
  );
}

async function roleItems(dir: string, which: 'probe' | 'match', matName: string, setVar: string, idVar: string, notes: string[]): Promise<DatasetItem[]> {
  const folder = FOLDERS[which];
  const role: DatasetRole = which === 'probe' ? 'probe' : 'gallery';
  const onDisk = await imageFilesIn(join(dir, folder));
  const matPath = join(dir, matName);
  let items: DatasetItem[];
  const hasMat = existsSync(matPath);
  const useMat = hasMat && (await matReaderAvailable());
  if (useMat) {
    const vars = await readMatVariables(matPath);
    if (!(setVar in vars) || !(idVar in vars)) {
      throw new SquintError('DATASET', `expected variables "${setVar}" and "${idVar}", found: ${Object.keys(vars).join(', ') || 'none'}`, { input: matPath });
    }
    const names = matStringList(vars[setVar], `${matName}:${setVar}`);
    const ids = matNumberList(vars[idVar], `${matName}:${idVar}`);
    if (names.length !== ids.length) {
      throw new SquintError('DATASET', `"${setVar}" lists ${names.length} files but "${idVar}" has ${ids.length} identities`, { input: matPath });
    }
    const present = new Set(onDisk);
    const missing = names.filter((n) => !present.has(n)).length;
    if (missing === names.length && names.length > 0) {
      throw new SquintError('DATASET', `none of the ${names.length} files listed in ${matName} is in ${folder}/ (first: ${names[0]}); is this the matching folder?`, { input: join(dir, folder) });
    }
    if (missing > 0) notes.push(`${missing} file(s) listed in ${matName} are missing from ${folder}/ (reported as unreadable)`);
    items = names.map((n, i) => item(dir, folder, n, String(ids[i]), role));
    notes.push(`${folder} from ${matName}`);
  } else {
    if (hasMat) notes.push(`${matName} ignored: install the optional GPL-3.0 package mat-for-js to read it; identities taken from file names`);
    items = onDisk.map((f) => item(dir, folder, f, tinyFaceIdentity(f), role));
  }
  if (items.length === 0) throw new SquintError('DATASET', `no images in ${folder}/; the split is empty`, { input: join(dir, folder) });
  return items;
}

function item(dir: string, folder: string, file: string, identity: string, role: DatasetRole): DatasetItem {
  return { path: join(dir, folder, file), key: toKey(join(folder, file)), identity, role };
}

function cap(items: DatasetItem[], limit: number | undefined, seed: number, name: string): DatasetItem[] {
  if (limit === undefined) return items;
  if (!Number.isInteger(limit) || limit < 0) throw new SquintError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${limit}`, { input: name });
  if (limit >= items.length) return items;
  return shuffled(items, seed).slice(0, limit).sort((a, b) => byCodePoint(a.key, b.key));
}
