// onnx-proto is a CommonJS bundle whose `module.exports` is the protobuf root: a default import is
// the one form that resolves the same under Node ESM, CJS (tsup's interop) and browser bundlers.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type { onnx as OnnxProto } from 'onnx-proto';

import type { onnx as P } from 'onnx-proto';

/** A decoded ONNX model: the protobuf message itself, so nothing is lost between read and write. */
export type Model = P.ModelProto;
export type Graph = P.GraphProto;
export type Node = P.NodeProto;
export type TensorProto = P.TensorProto;
export type ValueInfo = P.ValueInfoProto;
export type Attribute = P.AttributeProto;

/** What protobufjs hands back for int64 fields: a Long when the `long` package is installed, else a number. */
export type Int64 = number | { toNumber(): number } | null | undefined;

/** int64 protobuf field to a JS number (ONNX dims and attribute ints fit easily in 2^53). */
export function toNumber(v: Int64): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}
