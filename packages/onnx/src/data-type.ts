import { SquintError } from '@squint/core';
import { onnx } from './proto';

/** Element types Squint names in its APIs, mapped to ONNX TensorProto.DataType codes. */
export type DataTypeName =
  | 'float32' | 'float64' | 'float16'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool' | 'string';

const T = onnx.TensorProto.DataType;

const CODES: Record<DataTypeName, number> = {
  float32: T.FLOAT, float64: T.DOUBLE, float16: T.FLOAT16,
  int8: T.INT8, int16: T.INT16, int32: T.INT32, int64: T.INT64,
  uint8: T.UINT8, uint16: T.UINT16, uint32: T.UINT32, uint64: T.UINT64,
  bool: T.BOOL, string: T.STRING,
};

const NAMES = new Map<number, DataTypeName>(
  (Object.entries(CODES) as [DataTypeName, number][]).map(([name, code]) => [code, name]),
);

export function dataTypeCode(name: DataTypeName): number {
  const code = CODES[name];
  if (code === undefined) throw new SquintError('INVALID_ARGUMENT', `unknown element type "${name}"; use one of ${Object.keys(CODES).join(', ')}`);
  return code;
}

/** Name of an ONNX element-type code, or undefined for types Squint does not name (bfloat16, complex, ...). */
export function dataTypeName(code: number): DataTypeName | undefined {
  return NAMES.get(code);
}

/** Bytes per element in raw_data for fixed-size types (0 for string). */
export function dataTypeSize(name: DataTypeName): number {
  switch (name) {
    case 'float64': case 'int64': case 'uint64': return 8;
    case 'float32': case 'int32': case 'uint32': return 4;
    case 'float16': case 'int16': case 'uint16': return 2;
    case 'int8': case 'uint8': case 'bool': return 1;
    case 'string': return 0;
  }
}
