import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { SquintError } from '@squint/core';
import type { IdentificationDataset, PairsDataset } from './dataset';
import { loadFolderDataset } from './folder-dataset';
import type { IdentitySplitOptions } from './identity-split';
import { loadManifest } from './manifest';
import { loadPairs } from './pairs';
import { loadTinyFace } from './tinyface';

export type DatasetType = 'lfw' | 'folders' | 'tinyface' | 'pairs' | 'manifest';

export interface DatasetSpec {
  type: DatasetType;
  /** Resolved path (see resolveDataPath). */
  path: string;
  /** As written. */
  text: string;
}

const TYPES: readonly DatasetType[] = ['lfw', 'folders', 'tinyface', 'pairs', 'manifest'];

/**
 * `lfw:/path/lfw-dev` (folder per identity; `folders:` is the same), `tinyface:/path/tinyface`,
 * `pairs:/path/pairs.tsv`, `manifest:/path/list.csv` (or .json).
 */
export function parseDatasetSpec(text: string, env: Record<string, string | undefined> = process.env): DatasetSpec {
  const m = /^([a-z]+):(.+)$/.exec(text.trim());
  if (!m || !TYPES.includes(m[1] as DatasetType)) {
    throw new SquintError('INVALID_ARGUMENT', `dataset must be TYPE:PATH with TYPE one of ${TYPES.join(', ')}, e.g. lfw:../shared/data/lfw-dev`, { input: text });
  }
  return { type: m[1] as DatasetType, path: resolveDataPath(m[2], env), text };
}

/**
 * A relative dataset path is looked up in the working folder first, then under $SQUINT_DATA, so
 * `lfw:lfw-dev` works from anywhere once SQUINT_DATA points at the data folder. A path found in
 * neither is returned as given (relative to the working folder) for the loader to report.
 */
export function resolveDataPath(path: string, env: Record<string, string | undefined> = process.env): string {
  if (isAbsolute(path) || existsSync(path)) return resolve(path);
  const base = env.SQUINT_DATA;
  if (base && existsSync(join(base, path))) return resolve(base, path);
  return resolve(path);
}

export interface LoadedDataset {
  identification?: IdentificationDataset;
  pairs?: PairsDataset;
}

export interface LoadDatasetOptions extends IdentitySplitOptions {
  /** TinyFace caps. */
  maxProbes?: number;
}

export async function loadDatasetSpec(spec: DatasetSpec | string, options: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const s = typeof spec === 'string' ? parseDatasetSpec(spec) : spec;
  const missing = () => {
    if (existsSync(s.path)) return;
    const hint = process.env.SQUINT_DATA ? ` (also looked under SQUINT_DATA=${process.env.SQUINT_DATA})` : ' (set SQUINT_DATA to the folder holding your datasets, or give an absolute path)';
    throw new SquintError('DATASET', `dataset not found${hint}`, { input: s.path });
  };
  missing();
  switch (s.type) {
    case 'lfw':
    case 'folders':
      return { identification: await loadFolderDataset(s.path, options) };
    case 'tinyface':
      return { identification: await loadTinyFace(s.path, { seed: options.seed, maxProbes: options.maxProbes, maxDistractors: options.maxDistractors }) };
    case 'manifest':
      return { identification: await loadManifest(s.path, options) };
    case 'pairs':
      return { pairs: await loadPairs(s.path) };
  }
}
