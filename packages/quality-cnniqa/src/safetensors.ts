import { SquintError } from '@squint/core';
import { halfToFloat } from '@squint/onnx';

/** A weight tensor as Squint keeps it: float32 elements, row-major, with its shape. */
export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

export type WeightMap = Record<string, WeightTensor>;

export interface SafetensorsFile {
  tensors: WeightMap;
  /** The optional `__metadata__` string map of the header. */
  metadata: Record<string, string>;
}

/** Element types this reader converts to float32 (F16/BF16/F64 checkpoints are common). */
const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/** Headers larger than this are not weight files but garbage (the format caps it at 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Parses a safetensors file: an unsigned 64-bit little-endian header length N, N bytes of JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: {...} }`, then the raw
 * little-endian tensor bytes (offsets relative to the end of the header). Floating-point tensors
 * of any width come back as float32.
 */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer, label = 'weights'): SafetensorsFile {
  const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const invalid = (why: string) => new SquintError('WEIGHTS_INVALID', `not a usable safetensors file: ${why}`, { input: label });
  if (buf.length < 8) throw invalid(`${buf.length} bytes is shorter than the 8-byte header length`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > MAX_HEADER_BYTES || 8 + headerLen > buf.length) {
    throw invalid(`header length ${headerLen} does not fit in a ${buf.length}-byte file (truncated, or not safetensors)`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw invalid(`header is not JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw invalid('header is not a JSON object');

  const dataStart = 8 + headerLen;
  const dataLen = buf.length - dataStart;
  const tensors: WeightMap = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const width = typeof dtype === 'string' ? DTYPE_BYTES[dtype] : undefined;
    if (!width) {
      throw new SquintError('WEIGHTS_INVALID', `tensor "${name}" has dtype ${JSON.stringify(dtype)}; Squint reads F32, F16, BF16 and F64 weights`, { input: label });
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw invalid(`tensor "${name}" has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
      throw invalid(`tensor "${name}" has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`);
    }
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end > dataLen || end - begin !== count * width) {
      throw invalid(`tensor "${name}" (${dtype} [${(shape as number[]).join(',')}] = ${count * width} bytes) has data_offsets [${begin}, ${end}] outside or inconsistent with the ${dataLen} data bytes`);
    }
    tensors[name] = { shape: [...(shape as number[])], data: decode(buf, dataStart + begin, count, dtype as string) };
  }
  return { tensors, metadata };
}

function decode(buf: Uint8Array, start: number, count: number, dtype: string): Float32Array {
  const view = new DataView(buf.buffer, buf.byteOffset + start, count * DTYPE_BYTES[dtype]);
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32': for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true); break;
    case 'F64': for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true); break;
    case 'F16': for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true)); break;
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, view.getUint16(i * 2, true) << 16);
        out[i] = word.getFloat32(0);
      }
      break;
    }
  }
  return out;
}


/**
 * Writes float32 tensors as safetensors, in the order given. The header is padded with spaces to a
 * multiple of 8 bytes, as the reference writer does, so the data stays 8-byte aligned for mmap readers.
 */
export function writeSafetensors(tensors: WeightMap, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new SquintError('INVALID_ARGUMENT', `tensor "${name}" has ${t.data.length} elements but shape [${t.shape.join(',')}] needs ${count}`, { input: name });
    }
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + count * 4] };
    offset += count * 4;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return out;
}

/**
 * Checks that `tensors` holds exactly the `expected` names with the expected shapes. Every mismatch
 * is listed in one WEIGHTS_INVALID error naming the file, so a user fixes a conversion in one go.
 */
export function validateWeights(tensors: WeightMap, expected: Readonly<Record<string, readonly number[]>>, label = 'weights'): void {
  const problems: string[] = [];
  for (const [name, shape] of Object.entries(expected)) {
    const t = tensors[name];
    if (!t) problems.push(`missing tensor "${name}" (expected shape [${shape.join(',')}])`);
    else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      problems.push(`tensor "${name}" has shape [${t.shape.join(',')}], expected [${shape.join(',')}]`);
    }
  }
  const extra = Object.keys(tensors).filter((n) => !(n in expected));
  if (extra.length > 0) problems.push(`unexpected tensor${extra.length > 1 ? 's' : ''} ${extra.map((n) => `"${n}"`).join(', ')}`);
  if (problems.length > 0) {
    throw new SquintError('WEIGHTS_INVALID', `${problems.join('; ')}. Expected exactly: ${Object.entries(expected).map(([n, s]) => `${n} [${s.join(',')}]`).join(', ')} (see the README's conversion recipe)`, { input: label });
  }
}
