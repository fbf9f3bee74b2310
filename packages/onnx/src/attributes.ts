import { SquintError } from '@squint/core';
import type { onnx as P } from 'onnx-proto';
import { onnx, toNumber, type Attribute, type TensorProto } from './proto';

const A = onnx.AttributeProto.AttributeType;

/** Explicitly typed attribute value, for the rare case where a plain number's type is ambiguous. */
export type TypedAttribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'floats'; readonly value: readonly number[] };

/**
 * What a builder accepts for an attribute. Numbers are ints when whole, floats otherwise, except
 * for attribute names that ONNX always types as float (alpha, epsilon, scales, ...); wrap a value
 * in `attr.float(...)` / `attr.int(...)` to force a type.
 */
export type AttributeValue = number | readonly number[] | string | readonly string[] | TensorProto | TypedAttribute;

export const attr = {
  int: (value: number): TypedAttribute => ({ kind: 'int', value }),
  ints: (value: readonly number[]): TypedAttribute => ({ kind: 'ints', value }),
  float: (value: number): TypedAttribute => ({ kind: 'float', value }),
  floats: (value: readonly number[]): TypedAttribute => ({ kind: 'floats', value }),
};

// Attribute names that are float-typed in every standard op that has them, so `alpha: 1` works.
const FLOAT_NAMES = new Set([
  'alpha', 'beta', 'gamma', 'epsilon', 'momentum', 'bias', 'lambd', 'ratio', 'scale', 'scales',
  'cubic_coeff_a', 'extrapolation_value', 'spatial_scale', 'value_float', 'value_floats', 'max', 'min',
  'mean', 'low', 'high', 'seed',
]);

export function makeAttribute(name: string, value: AttributeValue): Attribute {
  const make = (props: P.IAttributeProto) => onnx.AttributeProto.fromObject({ name, ...props }) as Attribute;
  const isFloat = FLOAT_NAMES.has(name);
  if (typeof value === 'number') {
    return isFloat || !Number.isInteger(value) ? make({ type: A.FLOAT, f: value }) : make({ type: A.INT, i: value });
  }
  if (typeof value === 'string') return make({ type: A.STRING, s: new TextEncoder().encode(value) });
  if (value instanceof onnx.TensorProto) return make({ type: A.TENSOR, t: value });
  if (Array.isArray(value)) {
    const list = value as readonly (number | string)[];
    if (list.every((v) => typeof v === 'string')) {
      return make({ type: A.STRINGS, strings: (list as string[]).map((v) => new TextEncoder().encode(v)) });
    }
    if (list.every((v) => typeof v === 'number')) {
      const nums = list as number[];
      return isFloat || nums.some((v) => !Number.isInteger(v)) ? make({ type: A.FLOATS, floats: nums }) : make({ type: A.INTS, ints: nums });
    }
    throw new SquintError('INVALID_ARGUMENT', `attribute "${name}" mixes numbers and strings`);
  }
  const typed = value as TypedAttribute;
  switch (typed.kind) {
    case 'int': return make({ type: A.INT, i: typed.value });
    case 'ints': return make({ type: A.INTS, ints: [...typed.value] });
    case 'float': return make({ type: A.FLOAT, f: typed.value });
    case 'floats': return make({ type: A.FLOATS, floats: [...typed.value] });
  }
  throw new SquintError('INVALID_ARGUMENT', `attribute "${name}" has a value of unsupported type`);
}

/** Decoded attribute value: numbers (int64 included), strings, or a tensor. Graph attributes are returned raw. */
export type AttributeReading = number | number[] | string | string[] | P.ITensorProto | P.ITensorProto[] | P.IGraphProto | undefined;

export function readAttribute(node: P.INodeProto, name: string): AttributeReading {
  const a = node.attribute?.find((x) => x.name === name);
  if (!a) return undefined;
  const decoder = new TextDecoder();
  switch (a.type) {
    case A.INT: return toNumber(a.i);
    case A.INTS: return (a.ints ?? []).map(toNumber);
    case A.FLOAT: return a.f ?? 0;
    case A.FLOATS: return [...(a.floats ?? [])];
    case A.STRING: return decoder.decode(a.s ?? new Uint8Array());
    case A.STRINGS: return (a.strings ?? []).map((s) => decoder.decode(s));
    case A.TENSOR: return a.t ?? undefined;
    case A.TENSORS: return a.tensors ?? [];
    case A.GRAPH: return a.g ?? undefined;
    default: return undefined;
  }
}

/** Typed readers that fall back to ONNX's defaults when the attribute is absent. */
export function intAttribute(node: P.INodeProto, name: string, fallback: number): number {
  const v = readAttribute(node, name);
  return typeof v === 'number' ? v : fallback;
}

export function intsAttribute(node: P.INodeProto, name: string): number[] | undefined {
  const v = readAttribute(node, name);
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}

export function stringAttribute(node: P.INodeProto, name: string, fallback: string): string {
  const v = readAttribute(node, name);
  return typeof v === 'string' ? v : fallback;
}
