import { describe, expect, it } from 'vitest';
import { isSquintError } from '@squint/core';
import { readSafetensors, validateWeights, writeSafetensors } from './safetensors';

/** Builds a safetensors file by hand (not with writeSafetensors) so the reader is checked against the format itself. */
function handMade(header: object, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectWeightsError(fn: () => unknown, ...fragments: string[]) {
  try {
    fn();
  } catch (e) {
    expect(isSquintError(e, 'WEIGHTS_INVALID')).toBe(true);
    for (const f of fragments) expect((e as Error).message).toContain(f);
    return;
  }
  throw new Error('expected a WEIGHTS_INVALID error');
}

describe('safetensors', () => {
  it('reads F32, F16, BF16 and F64 tensors laid out by hand, with metadata', () => {
    const data = new Uint8Array(8 + 4 + 4 + 8);
    const v = new DataView(data.buffer);
    v.setFloat32(0, 1.5, true);
    v.setFloat32(4, -2.25, true);
    v.setUint16(8, 0x3c00, true); // F16 1.0
    v.setUint16(10, 0xc000, true); // F16 -2.0
    v.setUint16(12, 0x4049, true); // BF16 of 3.140625
    v.setUint16(14, 0x3f80, true); // BF16 1.0
    v.setFloat64(16, 0.1, true);
    const file = handMade({
      __metadata__: { format: 'pt' },
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      h: { dtype: 'F16', shape: [1, 2], data_offsets: [8, 12] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [12, 16] },
      d: { dtype: 'F64', shape: [], data_offsets: [16, 24] },
    }, data);
    const { tensors, metadata } = readSafetensors(file, 'x.safetensors');
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.a.data]).toEqual([1.5, -2.25]);
    expect(tensors.h.shape).toEqual([1, 2]);
    expect([...tensors.h.data]).toEqual([1, -2]);
    expect([...tensors.b.data]).toEqual([3.140625, 1]);
    expect(tensors.d.shape).toEqual([]);
    expect(tensors.d.data[0]).toBeCloseTo(0.1, 7);
  });

  it('round-trips what it writes, with an 8-byte aligned header', () => {
    const w = { 'conv1.weight': { shape: [2, 1, 3, 3], data: Float32Array.from({ length: 18 }, (_, i) => i / 7 - 1) }, 'fc3.bias': { shape: [1], data: Float32Array.of(0.25) } };
    const bytes = writeSafetensors(w, { source: 'test' });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(Object.keys(back.tensors)).toEqual(['conv1.weight', 'fc3.bias']);
    expect(back.tensors['conv1.weight'].shape).toEqual([2, 1, 3, 3]);
    expect([...back.tensors['conv1.weight'].data]).toEqual([...w['conv1.weight'].data]);
    expect(back.metadata).toEqual({ source: 'test' });
  });

  it('refuses truncated, non-JSON, inconsistent and unsupported files with the file named', () => {
    expectWeightsError(() => readSafetensors(new Uint8Array(3), 'tiny.safetensors'), 'tiny.safetensors', 'shorter');
    const good = writeSafetensors({ a: { shape: [4], data: new Float32Array(4) } });
    expectWeightsError(() => readSafetensors(good.subarray(0, good.length - 4), 'cut.safetensors'), 'cut.safetensors', '"a"');
    expectWeightsError(() => readSafetensors(handMade({}, new Uint8Array()).fill(0x7b, 8), 'j.safetensors'), 'j.safetensors');
    const garbage = new Uint8Array(16);
    new DataView(garbage.buffer).setBigUint64(0, 1n << 40n, true);
    expectWeightsError(() => readSafetensors(garbage, 'g.bin'), 'g.bin', 'header length');
    expectWeightsError(() => readSafetensors(handMade({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), 'i.safetensors'), 'I64');
    expectWeightsError(() => readSafetensors(handMade({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8))), '"a"', 'data_offsets');
  });

  it('validates names and shapes, listing every mismatch with expected vs actual', () => {
    const expected = { 'conv1.weight': [50, 1, 7, 7], 'conv1.bias': [50] };
    const ok = { 'conv1.weight': { shape: [50, 1, 7, 7], data: new Float32Array(2450) }, 'conv1.bias': { shape: [50], data: new Float32Array(50) } };
    expect(() => validateWeights(ok, expected, 'ok.safetensors')).not.toThrow();
    expectWeightsError(
      () => validateWeights({ 'conv1.weight': { shape: [50, 3, 7, 7], data: new Float32Array(7350) }, 'conv.bias': ok['conv1.bias'] }, expected, 'rgb.safetensors'),
      'rgb.safetensors', '"conv1.weight" has shape [50,3,7,7], expected [50,1,7,7]', 'missing tensor "conv1.bias"', 'unexpected tensor "conv.bias"',
    );
  });
});
