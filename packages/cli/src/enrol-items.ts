import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { SquintError } from '@squint/core';
import { IMAGE_EXTENSIONS } from '@squint/node';

export interface EnrolItem {
  file: string;
  identity: string;
}

/** An image the Node runtime decodes, and not hidden (".DS_Store", macOS "._x.jpg" resource forks). */
const isImage = (name: string) => !name.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());

/**
 * Who is in which file:
 * - a folder whose entries are sub-folders: folder-per-identity (`people/Ann/1.jpg` -> Ann);
 * - image files in a folder, or files given directly: the identity is the file name without its
 *   extension and without a trailing `_0001`-style counter (`Ann_Lee_0002.jpg` -> Ann_Lee).
 *   (A folder may mix both: identity folders and loose images.)
 * Non-image and hidden files inside folders are ignored; a named file that is not an image is
 * still enrolled (and reported bad) so the user learns about it.
 */
export function collectEnrolItems(paths: readonly string[]): EnrolItem[] {
  const items: EnrolItem[] = [];
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new SquintError('INVALID_ARGUMENT', 'no such file or folder', { input: path });
    }
    if (!stat.isDirectory()) {
      items.push({ file: path, identity: identityFromFile(path) });
      continue;
    }
    const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.'));
    for (const d of dirs) {
      for (const f of readdirSync(join(path, d.name)).sort()) {
        if (isImage(f)) items.push({ file: join(path, d.name, f), identity: d.name });
      }
    }
    // Loose images next to identity folders are enrolled by their own names rather than ignored.
    for (const e of entries) if (e.isFile() && isImage(e.name)) items.push({ file: join(path, e.name), identity: identityFromFile(e.name) });
  }
  return items;
}

export function identityFromFile(file: string): string {
  return basename(file, extname(file)).replace(/[_-]\d+$/, '');
}
