import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { SquintError } from '@squint/core';
import type { ImageKind, ImageRef, PairsDataset, VerificationPair } from './dataset';
import { toKey } from './image-files';

export interface PairsOptions {
  /** Folder the pair paths are relative to. Default: the pairs file's folder. */
  root?: string;
  /** Default 'photos'. */
  kind?: ImageKind;
  name?: string;
}

/**
 * Verification pairs, in either of two formats (told apart by content):
 * - LFW `pairs.txt`: an optional count line ("10 300"), then `name n1 n2` (same person) and
 *   `name1 n1 name2 n2` (different people); image = `<name>/<name>_<NNNN>.jpg`. Order is kept, so
 *   the verifier's contiguous folds are LFW's 10 sets.
 * - TSV `left right same`: paths relative to the root, same = 1/0 (or true/false, yes/no); the
 *   header line is optional.
 * Fields may be separated by tabs or spaces (TSV paths with spaces need tabs).
 */
export async function loadPairs(file: string, options: PairsOptions = {}): Promise<PairsDataset> {
  const abs = resolve(file);
  const text = await readFile(abs, 'utf8').catch((cause: NodeJS.ErrnoException) => {
    const why = cause.code === 'ENOENT' ? 'pairs file not found' : `cannot read pairs file (${cause.code ?? cause.message})`;
    throw new SquintError('DATASET', why, { input: file, cause });
  });
  const root = resolve(options.root ?? dirname(abs));
  const pairs = parsePairs(text, root, abs);
  if (pairs.length === 0) throw new SquintError('DATASET', 'the pairs file lists no pairs', { input: file });
  if (!pairs.some((p) => p.same) || pairs.every((p) => p.same)) {
    throw new SquintError('DATASET', 'verification needs both same-person and different-person pairs', { input: file });
  }
  // One look at the first image catches the usual mistake (paths relative to another folder).
  if (!existsSync(pairs[0].left.path)) {
    throw new SquintError('DATASET', `the first pair's image ${pairs[0].left.path} does not exist; pass the folder the pair paths are relative to (e.g. the dataset root)`, { input: file });
  }
  return { name: options.name ?? basename(abs).replace(/\.[^.]+$/, ''), file: abs, root, kind: options.kind ?? 'photos', pairs };
}

/** Parses either pairs format; paths are resolved against `root`. */
export function parsePairs(text: string, root: string, label = 'pairs'): VerificationPair[] {
  const lines = text.split(/\r?\n/).map((l, i) => ({ n: i + 1, fields: splitFields(l) })).filter((l) => l.fields.length > 0);
  const isInt = (s: string) => /^\d+$/.test(s);
  const out: VerificationPair[] = [];
  for (const [index, { n, fields }] of lines.entries()) {
    const where = `${label}:${n}`;
    if (index === 0 && fields.every(isInt)) continue; // LFW count line
    if (index === 0 && fields.length === 3 && fields[0].toLowerCase() === 'left' && fields[1].toLowerCase() === 'right') continue; // TSV header
    if (fields.length === 3 && isInt(fields[1]) && isInt(fields[2])) {
      out.push({ left: lfwImage(root, fields[0], fields[1]), right: lfwImage(root, fields[0], fields[2]), same: true });
    } else if (fields.length === 4 && isInt(fields[1]) && isInt(fields[3])) {
      out.push({ left: lfwImage(root, fields[0], fields[1]), right: lfwImage(root, fields[2], fields[3]), same: false });
    } else if (fields.length === 3) {
      out.push({ left: pathImage(root, fields[0]), right: pathImage(root, fields[1]), same: parseSame(fields[2], where) });
    } else {
      throw new SquintError('DATASET', `cannot read line "${fields.join(' ')}": expected "left right same" or LFW "name n1 n2" / "name1 n1 name2 n2"`, { input: where });
    }
  }
  return out;
}

function splitFields(line: string): string[] {
  const t = line.trim();
  if (!t || t.startsWith('#')) return [];
  return (t.includes('\t') ? t.split('\t') : t.split(/ +/)).map((f) => f.trim()).filter(Boolean);
}

function lfwImage(root: string, name: string, n: string): ImageRef {
  const key = `${name}/${name}_${n.padStart(4, '0')}.jpg`;
  return { path: join(root, key), key, identity: name };
}

function pathImage(root: string, p: string): ImageRef {
  const key = toKey(p);
  const slash = key.lastIndexOf('/');
  // The containing folder names the person in LFW-like layouts; flat lists carry no identity.
  const identity = slash > 0 ? key.slice(0, slash).split('/').pop()! : '';
  return { path: isAbsolute(p) ? p : join(root, p), key, identity };
}

function parseSame(v: string, where: string): boolean {
  const s = v.toLowerCase();
  if (['1', 'true', 'yes', 'same'].includes(s)) return true;
  if (['0', 'false', 'no', 'different'].includes(s)) return false;
  throw new SquintError('DATASET', `"same" must be 1 or 0 (or true/false), got "${v}"`, { input: where });
}
