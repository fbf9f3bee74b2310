import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { SquintError } from '@squint/core';

/** Extensions sharp's prebuilt binaries decode. BMP and HEIC are not among them. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif'];

export interface ListImagesOptions {
  /** Descend into sub-folders. Default true. */
  recursive?: boolean;
  /** Lower-case extensions with the dot. Default IMAGE_EXTENSIONS. */
  extensions?: readonly string[];
}

/**
 * Expands files and folders into image files: a named file is kept as given (whatever its
 * extension: the user asked for it, and decoding will say if it is not an image); a folder
 * contributes its image files, sorted by path so runs are reproducible across machines.
 * Hidden entries (".DS_Store", macOS "._x.jpg" resource forks) are skipped; duplicates are
 * listed once.
 */
export async function listImages(paths: readonly string[], options: ListImagesOptions = {}): Promise<string[]> {
  const recursive = options.recursive ?? true;
  const extensions = new Set((options.extensions ?? IMAGE_EXTENSIONS).map((e) => e.toLowerCase()));
  const seen = new Set<string>();
  const out: string[] = [];
  const keep = (path: string) => {
    const key = resolve(path);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(path);
    }
  };

  for (const path of paths) {
    const info = await stat(path).catch((cause: NodeJS.ErrnoException) => {
      const what = cause.code === 'ENOENT' ? 'no such file or folder' : `cannot read (${cause.code ?? cause.message})`;
      throw new SquintError('DATASET', what, { input: path, cause });
    });
    if (info.isDirectory()) {
      const found: string[] = [];
      const real = await realpath(path);
      await walk(path, '', real, recursive, extensions, found, new Set([real]));
      found.sort(byCodePoint);
      for (const rel of found) keep(join(path, rel));
    } else {
      keep(path);
    }
  }
  return out;
}

async function walk(root: string, rel: string, real: string, recursive: boolean, extensions: Set<string>, found: string[], visited: Set<string>): Promise<void> {
  const dir = join(root, rel);
  const entries = await readdir(dir, { withFileTypes: true }).catch((cause: NodeJS.ErrnoException) => {
    throw new SquintError('DATASET', `cannot list folder (${cause.code ?? cause.message})`, { input: dir, cause });
  });
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const childRel = rel ? join(rel, entry.name) : entry.name;
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(join(root, childRel)).catch(() => undefined); // dangling links are skipped
      isDir = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isFile && extensions.has(extname(entry.name).toLowerCase())) {
      found.push(childRel);
    } else if (isDir && recursive) {
      const childReal = await realpath(join(root, childRel));
      // A link to a folder already walked, or up to an ancestor, would list files twice or loop.
      if (visited.has(childReal) || (real + sep).startsWith(childReal + sep)) continue;
      visited.add(childReal);
      await walk(root, childRel, childReal, recursive, extensions, found, visited);
    }
  }
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
