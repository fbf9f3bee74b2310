import { SquintError } from './errors';
import { createGallery, type Gallery } from './gallery';

/**
 * Gallery file, version 1 (all integers and floats little-endian):
 *   "SQGALLERY" (9 bytes) | version uint32 | header length uint32 | header: UTF-8 JSON
 *   { modelId, dim, count, identities: [{ name, count }], createdAt } | zero padding to a multiple
 *   of 4 bytes from the file start | count x dim float32, identities' rows in header order.
 * The file ends exactly after the last float: any other length is corruption.
 */
const MAGIC = 'SQGALLERY';
const VERSION = 1;
const PREFIX = MAGIC.length + 8;

interface Header {
  modelId: string;
  dim: number;
  count: number;
  identities: { name: string; count: number }[];
  createdAt: string;
}

export interface SerializeGalleryOptions {
  /** Timestamp written in the header. Default: now. */
  createdAt?: Date;
}

export function serializeGallery(gallery: Gallery, options: SerializeGalleryOptions = {}): Uint8Array {
  const identities: Header['identities'] = [];
  const rows: Float32Array[] = [];
  for (const [name, embeddings] of gallery.entries()) {
    identities.push({ name, count: embeddings.length });
    rows.push(...embeddings);
  }
  const header: Header = {
    modelId: gallery.modelId,
    dim: gallery.dim,
    count: rows.length,
    identities,
    createdAt: (options.createdAt ?? new Date()).toISOString(),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(PREFIX + json.length);
  const bytes = new Uint8Array(dataStart + rows.length * gallery.dim * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(MAGIC.length, VERSION, true);
  view.setUint32(MAGIC.length + 4, json.length, true);
  bytes.set(json, PREFIX);
  let o = dataStart;
  for (const row of rows) {
    for (let i = 0; i < row.length; i++, o += 4) view.setFloat32(o, row[i], true);
  }
  return bytes;
}

/**
 * Reads a gallery file. `label` (e.g. the file name) names the input in errors. With `expect`,
 * a gallery made by another model or dimension is refused with GALLERY_MODEL: its scores would
 * be meaningless against the current backbone's embeddings.
 */
export function deserializeGallery(bytes: Uint8Array, label = 'gallery', expect: { modelId?: string; dim?: number } = {}): Gallery {
  const fail = (what: string): never => {
    throw new SquintError('GALLERY_FORMAT', `${what}; the file is not a Squint gallery or is damaged: restore it from a backup or re-enrol`, { input: label });
  };
  if (bytes.length < PREFIX) fail(`only ${bytes.length} bytes`);
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) fail('missing "SQGALLERY" signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC.length, true);
  if (version !== VERSION) {
    throw new SquintError('GALLERY_FORMAT', `gallery format version ${version} is not supported (this Squint reads version ${VERSION}); upgrade Squint or re-enrol`, { input: label });
  }
  const headerLength = view.getUint32(MAGIC.length + 4, true);
  if (headerLength > bytes.length - PREFIX) fail(`truncated header (needs ${headerLength} bytes, ${bytes.length - PREFIX} present)`);

  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + headerLength)));
  } catch {
    return fail('header is not valid UTF-8 JSON');
  }
  checkHeader(header, fail);

  const dataStart = align4(PREFIX + headerLength);
  const expected = dataStart + header.count * header.dim * 4;
  if (bytes.length !== expected) fail(`${bytes.length} bytes where the header promises ${expected} (${header.count} embeddings of ${header.dim})`);

  if ((expect.modelId !== undefined && expect.modelId !== header.modelId) || (expect.dim !== undefined && expect.dim !== header.dim)) {
    throw new SquintError(
      'GALLERY_MODEL',
      `gallery was made by model "${header.modelId}" (dim ${header.dim}) but model "${expect.modelId ?? header.modelId}" (dim ${expect.dim ?? header.dim}) is in use; embeddings of different models cannot be compared: re-enrol the identities with the current model`,
      { input: label },
    );
  }

  const gallery = createGallery({ modelId: header.modelId, dim: header.dim });
  let o = dataStart;
  for (const { name, count } of header.identities) {
    for (let r = 0; r < count; r++) {
      const v = new Float32Array(header.dim);
      for (let i = 0; i < header.dim; i++, o += 4) v[i] = view.getFloat32(o, true);
      try {
        gallery.add(name, v);
      } catch (e) {
        fail(`embedding ${r} of "${name}" is unusable (${(e as Error).message})`);
      }
    }
  }
  return gallery;
}

function checkHeader(h: Header, fail: (what: string) => never): void {
  if (typeof h !== 'object' || h === null) fail('header is not an object');
  if (typeof h.modelId !== 'string' || h.modelId === '') fail('header lacks modelId');
  if (!Number.isInteger(h.dim) || h.dim < 1) fail(`header dim ${h.dim} is not a positive integer`);
  if (!Number.isInteger(h.count) || h.count < 0) fail(`header count ${h.count} is not a count`);
  if (!Array.isArray(h.identities)) fail('header lacks the identity list');
  const seen = new Set<string>();
  let total = 0;
  for (const id of h.identities) {
    if (typeof id !== 'object' || id === null || typeof id.name !== 'string' || id.name === '' || seen.has(id.name)) {
      fail('header has a missing, empty or repeated identity name');
    }
    if (!Number.isInteger(id.count) || id.count < 1) fail(`identity "${id.name}" has count ${id.count}`);
    seen.add(id.name);
    total += id.count;
  }
  if (total !== h.count) fail(`identity counts add up to ${total}, header count is ${h.count}`);
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
