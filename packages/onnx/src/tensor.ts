import { SquintError } from '@squint/core';
import { dataTypeCode, dataTypeName, dataTypeSize, type DataTypeName } from './data-type';
import type { onnx as P } from 'onnx-proto';
import { onnx, toNumber, type TensorProto } from './proto';

/** Typed arrays a tensor's elements can live in. float16 is carried as its raw bits in a Uint16Array. */
export type TensorData =
  | Float32Array | Float64Array
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

export interface DecodedTensor {
  name: string;
  dataType: DataTypeName;
  dims: number[];
  data: TensorData;
}

type ArrayCtor = { new (length: number): TensorData; new (buffer: ArrayBuffer): TensorData };

const CTORS: Partial<Record<DataTypeName, ArrayCtor>> = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array,
  int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  int64: BigInt64Array, uint64: BigUint64Array,
};

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function defaultDataType(data: TensorData): DataTypeName {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'uint64';
}

/**
 * Makes an initializer / constant tensor. Elements go to raw_data in little-endian order, the
 * compact form onnxruntime reads fastest. The element type follows the array unless given
 * (a Uint16Array holding float16 bits, a Uint8Array holding bools).
 */
export function makeTensor(name: string, data: TensorData, dims: readonly number[], dataType: DataTypeName = defaultDataType(data)): TensorProto {
  if (elementCount(dims) !== data.length) {
    throw new SquintError('INVALID_ARGUMENT', `tensor "${name}" has ${data.length} elements but dims [${dims.join(',')}] need ${elementCount(dims)}`);
  }
  const size = dataTypeSize(dataType);
  if (size !== data.BYTES_PER_ELEMENT) {
    throw new SquintError('INVALID_ARGUMENT', `tensor "${name}": a ${data.constructor.name} cannot hold ${dataType} elements`);
  }
  return onnx.TensorProto.create({ name, dims: [...dims], dataType: dataTypeCode(dataType), rawData: toLittleEndianBytes(data) });
}

function toLittleEndianBytes(data: TensorData): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (!LITTLE_ENDIAN) swapBytes(bytes, data.BYTES_PER_ELEMENT);
  return bytes;
}

function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

/** Decodes a tensor's elements whichever field holds them (raw_data or the typed *_data fields). */
export function readTensor(t: P.ITensorProto): DecodedTensor {
  const name = t.name ?? '';
  const dataType = dataTypeName(t.dataType ?? 0);
  const Ctor = dataType && CTORS[dataType];
  if (!dataType || !Ctor) {
    throw new SquintError('MODEL_INVALID', `tensor "${name}" has element type ${t.dataType}, which Squint cannot decode`, { input: name });
  }
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    throw new SquintError('MODEL_INVALID', `tensor "${name}" keeps its data in an external file; save the model with weights embedded`, { input: name });
  }
  const dims = (t.dims ?? []).map(toNumber);
  const count = elementCount(dims);
  let data: TensorData;
  if (t.rawData && t.rawData.length > 0) {
    const width = dataTypeSize(dataType);
    if (t.rawData.length !== count * width) {
      throw new SquintError('MODEL_INVALID', `tensor "${name}" has ${t.rawData.length} bytes of raw data, dims [${dims.join(',')}] need ${count * width}`, { input: name });
    }
    // Copy (a Buffer's slice() would not): raw_data is usually a view into the whole file at an
    // arbitrary, unaligned offset.
    const bytes = new Uint8Array(t.rawData);
    if (!LITTLE_ENDIAN) swapBytes(bytes, width);
    data = new Ctor(bytes.buffer as ArrayBuffer);
  } else {
    data = fromTypedFields(t, dataType, Ctor);
  }
  if (data.length !== count) {
    throw new SquintError('MODEL_INVALID', `tensor "${name}" holds ${data.length} elements, dims [${dims.join(',')}] need ${count}`, { input: name });
  }
  return { name, dataType, dims, data };
}

function fromTypedFields(t: P.ITensorProto, dataType: DataTypeName, Ctor: ArrayCtor): TensorData {
  switch (dataType) {
    case 'float32': return Float32Array.from(t.floatData ?? []);
    case 'float64': return Float64Array.from(t.doubleData ?? []);
    case 'int64': return BigInt64Array.from((t.int64Data ?? []).map((v) => BigInt(String(v))));
    case 'uint32': return Uint32Array.from((t.uint64Data ?? []).map((v) => toNumber(v)));
    case 'uint64': return BigUint64Array.from((t.uint64Data ?? []).map((v) => BigInt.asUintN(64, BigInt(String(v)))));
    default: {
      // int8/16/32, uint8/16, bool and float16 bits all travel in int32_data.
      const src = t.int32Data ?? [];
      const out = new Ctor(src.length) as Int32Array;
      for (let i = 0; i < src.length; i++) out[i] = src[i];
      return out;
    }
  }
}

/** A tensor's elements as Float32Array (float16/float64/integers converted), e.g. to read weights. */
export function tensorToFloat32(t: P.ITensorProto): Float32Array {
  const { data, dataType } = readTensor(t);
  if (data instanceof Float32Array) return data;
  if (dataType === 'float16') return Float32Array.from(data as Uint16Array, halfToFloat);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, (v) => Number(v));
  return Float32Array.from(data as ArrayLike<number>);
}

/** A tensor's elements as plain numbers (int64 included), e.g. to read shape constants. */
export function tensorToNumbers(t: P.ITensorProto): number[] {
  const { data, dataType } = readTensor(t);
  if (dataType === 'float16') return Array.from(data as Uint16Array, halfToFloat);
  return Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** IEEE 754 half-precision bits to a number (float16 tensors, safetensors F16). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
