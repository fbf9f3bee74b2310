import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { SquintError } from '@squint/core';

/**
 * What sharp's prebuilt binaries decode (the Node runtime's loader), plus BMP, which sharp does not:
 * a BMP in a dataset is listed, so that the run reports it as unreadable rather than skipping it silently.
 */
export const DATASET_IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif', '.bmp'];

/** Throws DATASET unless `path` is a folder; `what` names it in the message ("TinyFace root"). */
export async function requireFolder(path: string, what: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new SquintError('DATASET', `${what} not found; check the path (or set SQUINT_DATA to the folder that holds your datasets)`, { input: path });
  }
  if (!info.isDirectory()) throw new SquintError('DATASET', `${what} must be a folder, but this is a file`, { input: path });
}

export async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * Image files directly inside `dir` (not recursive), sorted by code point so every machine lists
 * them in the same order. Hidden files (".DS_Store", "._x.jpg") are skipped.
 */
export async function imageFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((cause: NodeJS.ErrnoException) => {
    throw new SquintError('DATASET', `cannot list folder (${cause.code ?? cause.message})`, { input: dir, cause });
  });
  const ext = new Set(DATASET_IMAGE_EXTENSIONS);
  return entries
    .filter((e) => !e.name.startsWith('.') && (e.isFile() || e.isSymbolicLink()) && ext.has(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort(byCodePoint);
}

/** Sub-folders of `dir`, sorted, hidden ones skipped. */
export async function foldersIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((cause: NodeJS.ErrnoException) => {
    throw new SquintError('DATASET', `cannot list folder (${cause.code ?? cause.message})`, { input: dir, cause });
  });
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory() || (e.isSymbolicLink() && (await isFolder(join(dir, e.name))))) out.push(e.name);
  }
  return out.sort(byCodePoint);
}

export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Relative path with forward slashes: the same key on every platform. */
export function toKey(relative: string): string {
  return relative.split('\\').join('/');
}
