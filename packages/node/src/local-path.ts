import { fileURLToPath } from 'node:url';

/**
 * A string or URL that names a local file, as a filesystem path; undefined for anything else
 * (http:, data:, ...), which the Node runtime never fetches: Squint does no network I/O.
 */
export function localPath(input: string | URL): string | undefined {
  if (input instanceof URL || input.startsWith('file:')) {
    try {
      return fileURLToPath(input);
    } catch {
      return undefined; // another scheme, or a file: URL naming a remote host
    }
  }
  // Only well-known remote schemes: "C:\\x" or "take:2.jpg" are legitimate file names.
  if (/^(https?|data|blob|ftp):/i.test(input)) return undefined;
  return input;
}

/** Bytes as a Uint8Array view, without copying. */
export function asBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}
