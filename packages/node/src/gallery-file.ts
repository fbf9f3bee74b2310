import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { SquintError, deserializeGallery, serializeGallery, type Gallery } from '@squint/core';

export interface GalleryExpectation {
  /** Refuse a gallery enrolled with another model (GALLERY_MODEL). */
  modelId?: string;
  /** Refuse a gallery of another embedding size (GALLERY_MODEL). */
  dim?: number;
}

/**
 * Writes a gallery atomically: the bytes go to a temporary file next to `path`, are flushed to
 * disk, and only then renamed over the old file. A crash, a full disk or a kill mid-write leaves
 * the previous gallery as it was, never a half-written one that a later load would reject.
 */
export async function saveGallery(gallery: Gallery, path: string): Promise<void> {
  // Serialise first: a gallery that cannot be written must not even create the temp file.
  const bytes = serializeGallery(gallery);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
}

/** Reads a gallery written by saveGallery, checking it against the model that will query it. */
export async function loadGallery(path: string, expect?: GalleryExpectation): Promise<Gallery> {
  const bytes = await readFile(path).catch((cause: NodeJS.ErrnoException) => {
    const what = cause.code === 'ENOENT'
      ? 'gallery file not found; check the path, or enroll identities first to create it'
      : `cannot read gallery file (${cause.code ?? cause.message})`;
    throw new SquintError('GALLERY_FORMAT', what, { input: path, cause });
  });
  return deserializeGallery(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), path, expect);
}
