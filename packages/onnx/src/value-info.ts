import type { onnx as P } from 'onnx-proto';
import { dataTypeCode, dataTypeName, type DataTypeName } from './data-type';
import { onnx, toNumber, type ValueInfo } from './proto';

/** One dimension: a size, a symbolic name ('N', 'batch'), or null when nothing is known. */
export type Dim = number | string | null;
/** A tensor shape; `undefined` where even the rank is unknown. */
export type Shape = Dim[];

/** Graph input/output/value_info entry for a tensor. Omit dims for unknown rank. */
export function makeValueInfo(name: string, dataType: DataTypeName, dims?: readonly Dim[], docString?: string): ValueInfo {
  return onnx.ValueInfoProto.create({
    name,
    docString: docString ?? '',
    type: { tensorType: { elemType: dataTypeCode(dataType), shape: dims ? makeShapeProto(dims) : null } },
  });
}

export function makeShapeProto(dims: readonly Dim[]): P.ITensorShapeProto {
  return {
    dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})),
  };
}

/** Shape of a tensor value-info, or undefined when it declares no shape. */
export function valueInfoShape(vi: P.IValueInfoProto): Shape | undefined {
  const shape = vi.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map(readDim);
}

export function valueInfoDataType(vi: P.IValueInfoProto): DataTypeName | undefined {
  const code = vi.type?.tensorType?.elemType;
  return code ? dataTypeName(code) : undefined;
}

function readDim(d: P.TensorShapeProto.IDimension): Dim {
  // protobufjs leaves oneof members on the prototype as defaults; the `value` discriminator says which is set.
  const which = (d as { value?: string }).value;
  if (which === 'dimParam' || (!which && d.dimParam)) return d.dimParam || null;
  if (which === 'dimValue' || (!which && d.dimValue !== undefined && d.dimValue !== null)) return toNumber(d.dimValue);
  return null;
}

export function formatShape(shape: Shape | undefined): string {
  return shape ? `[${shape.map((d) => (d === null ? '?' : d)).join(',')}]` : '[?]';
}
