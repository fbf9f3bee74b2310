import { basename, join, resolve } from 'node:path';
import { SquintError } from '@squint/core';
import type { IdentificationDataset, ImageKind, ImageRef } from './dataset';
import { foldersIn, imageFilesIn, requireFolder, toKey } from './image-files';
import { splitByIdentity, type IdentitySplitOptions } from './identity-split';

export interface FolderDatasetOptions extends IdentitySplitOptions {
  /** Default 'photos' (LFW funneled: whole 250x250 pictures, faces are detected). */
  kind?: ImageKind;
  /** Default: the folder's name. */
  name?: string;
}

/**
 * A folder per identity (LFW layout: `<root>/<Person_Name>/<files>`), split into gallery, probes
 * and distractors by `splitByIdentity`. Only paths are read; images are decoded by the runner.
 */
export async function loadFolderDataset(root: string, options: FolderDatasetOptions = {}): Promise<IdentificationDataset> {
  const abs = resolve(root);
  await requireFolder(abs, 'dataset folder');
  const groups = await folderGroups(abs);
  if (groups.size === 0) {
    throw new SquintError('DATASET', 'no identity folders with images found; expected <root>/<identity>/<image files>', { input: root });
  }
  const split = splitByIdentity(groups, options);
  return {
    name: options.name ?? basename(abs),
    root: abs,
    kind: options.kind ?? 'photos',
    gallery: split.gallery,
    probes: split.probes,
    distractors: split.distractors,
    split: split.description,
    splitSeed: split.seed,
  };
}

/** identity -> its images, for every sub-folder that holds at least one image. */
export async function folderGroups(root: string): Promise<Map<string, ImageRef[]>> {
  const groups = new Map<string, ImageRef[]>();
  for (const identity of await foldersIn(root)) {
    const files = await imageFilesIn(join(root, identity));
    if (files.length === 0) continue;
    groups.set(identity, files.map((f) => ({ path: join(root, identity, f), key: toKey(join(identity, f)), identity })));
  }
  return groups;
}
