import { SquintError, type ModelSource } from '@squint/core';

/**
 * The model as bytes. URLs are fetched here rather than by onnxruntime so that a 404 or a CORS
 * refusal is reported as such, not as a protobuf parse error.
 */
export async function readModelBytes(source: ModelSource, label: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (typeof source === 'string' || source instanceof URL) bytes = await fetchBytes(String(source), label);
  else throw new SquintError('INVALID_ARGUMENT', 'a model must be a Uint8Array, an ArrayBuffer, a URL or a URL string', { input: label });
  if (bytes.length === 0) throw new SquintError('MODEL_INVALID', 'model file is empty', { input: label });
  return bytes;
}

async function fetchBytes(url: string, label: string): Promise<Uint8Array> {
  if (typeof fetch !== 'function') {
    throw new SquintError('INVALID_ARGUMENT', 'loading a model from a URL needs fetch(), which this environment lacks; pass the bytes instead', { input: label });
  }
  let res: Response;
  try {
    res = await fetch(url);
  } catch (cause) {
    throw new SquintError('MODEL_INVALID', `could not fetch the model (${cause instanceof Error ? cause.message : String(cause)}); check the URL and, for another origin, its CORS headers`, { input: label, cause });
  }
  if (!res.ok) {
    throw new SquintError('MODEL_INVALID', `fetching the model gave HTTP ${res.status} ${res.statusText}; check the URL`, { input: label });
  }
  return new Uint8Array(await res.arrayBuffer());
}

/** A short name for errors when the caller gave no label. */
export function describeModelSource(source: ModelSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  return `model bytes (${source.byteLength} bytes)`;
}
