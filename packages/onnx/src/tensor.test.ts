import { isSquintError } from '@squint/core';
import { describe, expect, it } from 'vitest';
import { onnx } from './proto';
import { makeTensor, readTensor, tensorToFloat32, tensorToNumbers } from './tensor';

describe('tensors', () => {
  it('round-trips every element type through raw_data in little-endian order', () => {
    const cases = [
      new Float32Array([1.5, -2, 3e-8]), new Float64Array([Math.PI, -1]), new Int8Array([-128, 127]),
      new Uint8Array([0, 255]), new Int16Array([-32768, 7]), new Uint16Array([65535, 1]), new Int32Array([-(2 ** 31), 5]),
      new Uint32Array([2 ** 32 - 1]), new BigInt64Array([-(2n ** 63n), 2n ** 40n]), new BigUint64Array([2n ** 64n - 1n]),
    ];
    for (const data of cases) {
      const t = onnx.TensorProto.decode(onnx.TensorProto.encode(makeTensor('t', data, [data.length])).finish());
      const back = readTensor(t);
      expect(back.data).toEqual(data);
      expect(back.dims).toEqual([data.length]);
    }
    const f = makeTensor('f', new Float32Array([1, 256]), [2]);
    expect(Array.from(f.rawData)).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x43]); // IEEE-754 little-endian
  });

  it('reads the typed *_data fields exporters use instead of raw_data', () => {
    const T = onnx.TensorProto.DataType;
    expect(Array.from(tensorToFloat32({ name: 'a', dataType: T.FLOAT, dims: [2], floatData: [0.25, -4] }))).toEqual([0.25, -4]);
    expect(tensorToNumbers({ name: 'b', dataType: T.INT64, dims: [3], int64Data: [1, -1, 512] })).toEqual([1, -1, 512]);
    expect(tensorToNumbers({ name: 'c', dataType: T.INT32, dims: [2], int32Data: [7, -9] })).toEqual([7, -9]);
    expect(tensorToNumbers({ name: 'd', dataType: T.UINT8, dims: [2], int32Data: [200, 3] })).toEqual([200, 3]);
    expect(tensorToNumbers({ name: 'e', dataType: T.DOUBLE, dims: [1], doubleData: [0.5] })).toEqual([0.5]);
    // float16 bits travel in int32_data: 0x3c00 = 1, 0xc000 = -2, 0x3555 ~ 1/3
    const half = tensorToFloat32({ name: 'h', dataType: T.FLOAT16, dims: [3], int32Data: [0x3c00, 0xc000, 0x3555] });
    expect(Array.from(half).map((v) => +v.toFixed(4))).toEqual([1, -2, 0.3333]);
    expect(readTensor({ name: 's', dataType: T.FLOAT, dims: [] , floatData: [3] }).data).toEqual(new Float32Array([3]));
  });

  it('rejects tensors whose data does not fit their dims, or live in external files', () => {
    const T = onnx.TensorProto.DataType;
    const cases = [
      { name: 'short', dataType: T.FLOAT, dims: [3], floatData: [1, 2] },
      { name: 'raw', dataType: T.FLOAT, dims: [2], rawData: new Uint8Array(7) },
      { name: 'ext', dataType: T.FLOAT, dims: [2], dataLocation: 1, externalData: [{ key: 'location', value: 'w.bin' }] },
    ];
    for (const t of cases) {
      let error: unknown;
      try {
        readTensor(t);
      } catch (e) {
        error = e;
      }
      expect(isSquintError(error, 'MODEL_INVALID')).toBe(true);
      expect((error as Error).message).toContain(t.name);
    }
    expect(() => makeTensor('m', new Float32Array(5), [2, 2])).toThrow(/5 elements/);
    expect(() => makeTensor('m', new Float32Array(2), [2], 'int64')).toThrow(/cannot hold int64/);
  });
});
