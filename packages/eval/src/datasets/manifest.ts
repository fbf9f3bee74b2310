import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { SquintError } from '@squint/core';
import type { DatasetItem, DatasetRole, IdentificationDataset, ImageKind, ImageRef } from './dataset';
import { splitByIdentity, type IdentitySplitOptions } from './identity-split';
import { toKey } from './image-files';

export interface ManifestOptions extends IdentitySplitOptions {
  /** Default: the manifest's own `kind` (JSON), else 'photos'. */
  kind?: ImageKind;
  name?: string;
}

interface ManifestRow {
  path: string;
  identity: string;
  role?: DatasetRole;
  where: string;
}

const ROLES: readonly DatasetRole[] = ['gallery', 'probe', 'distractor'];

/**
 * A list of images for any other dataset:
 * - CSV with a header naming the columns `path`, `identity` and optionally `role`;
 * - JSON: an array of `{ path, identity, role? }`, or `{ kind?, name?, items: [...] }`.
 * Relative paths are relative to the manifest's folder. With roles on every row they are the
 * split; with none, `splitByIdentity` makes one (seeded); a mix is an error.
 */
export async function loadManifest(file: string, options: ManifestOptions = {}): Promise<IdentificationDataset> {
  const abs = resolve(file);
  const text = await readFile(abs, 'utf8').catch((cause: NodeJS.ErrnoException) => {
    const why = cause.code === 'ENOENT' ? 'manifest not found' : `cannot read manifest (${cause.code ?? cause.message})`;
    throw new SquintError('DATASET', why, { input: file, cause });
  });
  const root = dirname(abs);
  const parsed = extname(abs).toLowerCase() === '.json' ? parseJsonManifest(text, abs) : { rows: parseCsvManifest(text, abs) };
  const { rows } = parsed;
  if (rows.length === 0) throw new SquintError('DATASET', 'the manifest lists no images', { input: file });
  const ref = (r: ManifestRow): ImageRef => ({ path: isAbsolute(r.path) ? r.path : join(root, r.path), key: toKey(r.path), identity: r.identity });
  const withRole = rows.filter((r) => r.role).length;
  const base = { name: options.name ?? parsed.name ?? basename(abs).replace(/\.[^.]+$/, ''), root, kind: options.kind ?? parsed.kind ?? 'photos' };

  if (withRole === 0) {
    const groups = new Map<string, ImageRef[]>();
    for (const r of rows) {
      const list = groups.get(r.identity);
      if (list) list.push(ref(r));
      else groups.set(r.identity, [ref(r)]);
    }
    const split = splitByIdentity(groups, options);
    return { ...base, gallery: split.gallery, probes: split.probes, distractors: split.distractors, split: split.description, splitSeed: split.seed };
  }
  if (withRole !== rows.length) {
    const first = rows.find((r) => !r.role)!;
    throw new SquintError('DATASET', 'some rows have a role and some do not; give every row a role (gallery, probe, distractor) or none', { input: first.where });
  }
  const items = rows.map((r): DatasetItem => ({ ...ref(r), role: r.role! }));
  const of = (role: DatasetRole) => items.filter((i) => i.role === role);
  const dataset = { ...base, gallery: of('gallery'), probes: of('probe'), distractors: of('distractor'), split: 'roles given by the manifest' };
  if (dataset.probes.length === 0) throw new SquintError('DATASET', 'the manifest has no probe rows; the probe split is empty', { input: file });
  if (dataset.gallery.length + dataset.distractors.length === 0) throw new SquintError('DATASET', 'the manifest has no gallery rows; the gallery is empty', { input: file });
  const probeIds = new Set(dataset.probes.map((p) => p.identity));
  const clash = dataset.distractors.find((d) => probeIds.has(d.identity));
  if (clash) {
    throw new SquintError('DATASET', `distractor has identity "${clash.identity}", which is also a probe identity; a distractor must match no probe (mark it gallery)`, { input: clash.key });
  }
  return dataset;
}

function parseJsonManifest(text: string, file: string): { rows: ManifestRow[]; kind?: ImageKind; name?: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SquintError('DATASET', `manifest is not valid JSON (${(e as Error).message})`, { input: file });
  }
  const obj = (Array.isArray(data) ? { items: data } : data) as { items?: unknown; kind?: unknown; name?: unknown };
  if (!obj || typeof obj !== 'object' || !Array.isArray(obj.items)) {
    throw new SquintError('DATASET', 'expected an array of { path, identity, role? } or { kind?, items: [...] }', { input: file });
  }
  if (obj.kind !== undefined && !['photos', 'crops', 'aligned'].includes(obj.kind as string)) {
    throw new SquintError('DATASET', `"kind" must be photos, crops or aligned, got ${JSON.stringify(obj.kind)}`, { input: file });
  }
  const rows = obj.items.map((it, i) => {
    const r = (it ?? {}) as Record<string, unknown>;
    return row(r.path, r.identity, r.role, `${file}: item ${i}`);
  });
  return { rows, kind: obj.kind as ImageKind | undefined, name: typeof obj.name === 'string' ? obj.name : undefined };
}

function parseCsvManifest(text: string, file: string): ManifestRow[] {
  const records = parseCsv(text);
  if (records.length === 0) return [];
  const header = records[0].map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('path') < 0 || col('identity') < 0) {
    throw new SquintError('DATASET', `the first line must name the columns, with at least "path" and "identity" (got: ${records[0].join(', ')})`, { input: file });
  }
  return records.slice(1).filter((r) => r.some((f) => f.trim())).map((r, i) =>
    row(r[col('path')], r[col('identity')], col('role') >= 0 ? r[col('role')] : undefined, `${file}: row ${i + 2}`));
}

function row(path: unknown, identity: unknown, role: unknown, where: string): ManifestRow {
  if (typeof path !== 'string' || !path.trim()) throw new SquintError('DATASET', 'missing "path"', { input: where });
  if ((typeof identity !== 'string' && typeof identity !== 'number') || !String(identity).trim()) {
    throw new SquintError('DATASET', 'missing "identity"', { input: where });
  }
  const r = typeof role === 'string' ? role.trim().toLowerCase() : role;
  if (r !== undefined && r !== '' && !ROLES.includes(r as DatasetRole)) {
    throw new SquintError('DATASET', `role must be gallery, probe or distractor, got "${String(role)}"`, { input: where });
  }
  return { path: path.trim(), identity: String(identity).trim(), role: r ? (r as DatasetRole) : undefined, where };
}

/** RFC 4180 CSV: comma-separated, double-quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}
