import { SquintError } from '@squint/core';

/** Weight bytes, or where to get them: an http(s)/data/blob URL, or (Node only) a file path / file: URL. */
export type WeightSource = Uint8Array | ArrayBuffer | URL | string;

/**
 * Brings weight bytes into memory. The package stays platform-free: URLs go through `fetch`, and a
 * file is read through `node:fs` imported only when a path is given (so browser bundles never
 * need it). Squint never fetches on its own; a remote URL is only read when the caller names one.
 */
export async function readWeightSource(source: WeightSource): Promise<{ bytes: Uint8Array; label: string }> {
  if (source instanceof Uint8Array) return { bytes: source, label: 'weights (bytes)' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), label: 'weights (bytes)' };
  const text = source instanceof URL ? source.href : source;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  // One-letter "schemes" are Windows drive letters.
  if (scheme && scheme.length > 1 && scheme !== 'file') {
    let res: Response;
    try {
      res = await fetch(text);
    } catch (e) {
      throw new SquintError('WEIGHTS_INVALID', `cannot fetch weights (${(e as Error).message})`, { input: text, cause: e });
    }
    if (!res.ok) throw new SquintError('WEIGHTS_INVALID', `fetching weights failed with HTTP ${res.status}`, { input: text });
    return { bytes: new Uint8Array(await res.arrayBuffer()), label: text };
  }
  const fsModule = 'node:fs/promises';
  const urlModule = 'node:url';
  let fs: typeof import('node:fs/promises');
  let url: typeof import('node:url');
  try {
    fs = await import(/* @vite-ignore */ fsModule);
    url = await import(/* @vite-ignore */ urlModule);
  } catch (e) {
    throw new SquintError('INVALID_ARGUMENT', 'weights given as a file path, but this platform has no file system; pass the bytes or an http(s) URL', { input: text, cause: e });
  }
  const path = scheme === 'file' ? url.fileURLToPath(text) : text;
  try {
    return { bytes: new Uint8Array(await fs.readFile(path)), label: path };
  } catch (e) {
    throw new SquintError('WEIGHTS_INVALID', `cannot read the weight file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`, { input: path, cause: e });
  }
}
