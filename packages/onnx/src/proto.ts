// onnx-proto is a CommonJS bundle whose `module.exports` is the protobuf root: a default import is
// the one form that resolves the same under Node ESM, CJS (tsup's interop) and browser bundlers.
import onnxProto from 'onnx-proto';
import type { onnx as P } from 'onnx-proto';

/** The generated protobuf classes (ModelProto, GraphProto, ...), for encode/decode/fromObject. */
export const onnx = onnxProto.onnx;
/** Their types, as a namespace: `OnnxProto.ITensorProto`, ... */
export type { onnx as OnnxProto } from 'onnx-proto';

// protobufjs types nested messages by their loose I* interfaces. A model that went through
// readModel or the builder holds real class instances all the way down, so Squint names these
// narrower types, which spare every caller a `?? []` and a cast.

/** A decoded ONNX model: the protobuf message itself, so nothing is lost between read and write. */
export interface Model extends P.ModelProto {
  graph: Graph;
  opsetImport: P.OperatorSetIdProto[];
}
export interface Graph extends P.GraphProto {
  node: Node[];
  initializer: TensorProto[];
  input: ValueInfo[];
  output: ValueInfo[];
  valueInfo: ValueInfo[];
}
export interface Node extends P.NodeProto {
  attribute: Attribute[];
}
export interface Attribute extends P.AttributeProto {
  t: TensorProto | null;
}
export type TensorProto = P.TensorProto;
export type ValueInfo = P.ValueInfoProto;

/** What protobufjs hands back for int64 fields: a Long when the `long` package is installed, else a number. */
export type Int64 = number | { toNumber(): number } | null | undefined;

/** int64 protobuf field to a JS number (ONNX dims and attribute ints fit easily in 2^53). */
export function toNumber(v: Int64): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}
