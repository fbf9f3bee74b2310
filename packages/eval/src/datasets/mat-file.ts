import { readFile } from 'node:fs/promises';
import { SquintError } from '@squint/core';

/**
 * Whether the optional MAT-file reader is installed. mat-for-js is the only MATLAB v5 reader on npm
 * and it is GPL-3.0, so @squint/eval (MIT) lists it as an optional peer dependency: users who want
 * the TinyFace .mat protocol files read install it themselves; without it the loader falls back to
 * the folder names (same identities: the file-name prefix) and says so in the run's notes.
 */
export async function matReaderAvailable(): Promise<boolean> {
  try {
    await import('mat-for-js');
    return true;
  } catch {
    return false;
  }
}

/** Variables of a MATLAB v5 MAT-file (the TinyFace protocol files), through mat-for-js. */
export async function readMatVariables(path: string): Promise<Record<string, unknown>> {
  const bytes = await readFile(path).catch((cause: NodeJS.ErrnoException) => {
    throw new SquintError('DATASET', `cannot read MAT-file (${cause.code ?? cause.message})`, { input: path, cause });
  });
  const { read } = await import('mat-for-js');
  try {
    return read(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer).data;
  } catch (cause) {
    throw new SquintError('DATASET', `not a readable MATLAB v5 MAT-file (${(cause as Error).message}); v7.3 (HDF5) files are not supported: re-save with -v7`, { input: path, cause });
  }
}

/**
 * A MATLAB string as mat-for-js returns it, whatever the nesting: a string, a char-code array
 * (chars inside cells), an array of one-character strings, or any of these wrapped in arrays.
 */
export function matString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  if (value.length > 0 && value.every((c) => typeof c === 'number')) return String.fromCharCode(...(value as number[]));
  if (value.length > 1 && value.every((c) => typeof c === 'string' && c.length <= 1)) return value.join('');
  return value.length === 1 ? matString(value[0]) : undefined;
}

/** A cell array of strings (an N x 1 or 1 x N cell) as a list. */
export function matStringList(value: unknown, what: string): string[] {
  const isCodes = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((c) => typeof c === 'number');
  // A 1 x N cell may arrive wrapped once more: unwrap it, but never a lone char-code array.
  if (Array.isArray(value) && value.length === 1 && Array.isArray(value[0]) && !isCodes(value[0])) return matStringList(value[0], what);
  const list = !Array.isArray(value) || isCodes(value) ? [value] : value;
  return list.map((v, i) => {
    const s = matString(v);
    if (s === undefined) throw new SquintError('DATASET', `entry ${i} is not a string`, { input: what });
    return s.trim();
  });
}

/** A numeric vector (N x 1 or 1 x N) as a list. */
export function matNumberList(value: unknown, what: string): number[] {
  const list = Array.isArray(value) ? value.flat(2) : [value];
  return list.map((v, i) => {
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new SquintError('DATASET', `entry ${i} is not a number`, { input: what });
    return n;
  });
}
