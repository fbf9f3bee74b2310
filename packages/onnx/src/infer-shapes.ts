import type { onnx as P } from 'onnx-proto';
import { isTopologicallySorted, topologicalOrder } from './graph-edit';
import { dataTypeName } from './data-type';
import { readAttribute } from './attributes';
import { toNumber, type Model } from './proto';
import { SHAPE_RULES, type TensorType } from './shape-rules';
import { tensorToNumbers } from './tensor';
import { valueInfoDataType, valueInfoShape, type Shape } from './value-info';

export type { TensorType } from './shape-rules';

/** Constants larger than this are weights, not shapes/axes/scales: rules never need their values. */
const MAX_CONSTANT_ELEMENTS = 64;

export interface InferNodeContext {
  typeOf(value: string): TensorType | undefined;
  constantOf(value: string): number[] | undefined;
  opset: number;
}

/** Output types of one node; unknown ops give `{}` per output rather than an error. */
export function inferNode(node: P.INodeProto, ctx: InferNodeContext): TensorType[] {
  const inputs = (node.input ?? []).map((v) => (v ? ctx.typeOf(v) : undefined));
  const rule = SHAPE_RULES[node.opType ?? ''];
  const domain = node.domain ?? '';
  const results = rule && (domain === '' || domain === 'ai.onnx')
    ? rule({ node, inputs, opset: ctx.opset, constant: (i) => (node.input?.[i] ? ctx.constantOf(node.input[i]) : undefined) })
    : [];
  return (node.output ?? []).map((_, i) => results[i] ?? {});
}

/** Default-domain opset a model imports (what decides Reshape/Squeeze/Resize/... signatures). */
export function modelOpset(model: P.IModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? toNumber(entry.version) : 1;
}

export interface InferShapesOptions {
  /** Shapes to assume for graph inputs instead of the declared ones, e.g. `{ input: [4, 3, 112, 112] }`. */
  inputs?: Record<string, Shape>;
}

/**
 * Propagates element types and static shapes through the graph. Symbolic dims stay strings where
 * an op keeps them (batch 'N' through Conv, Relu, Gemm, ...); sizes that cannot be known are null
 * and outputs of ops without a rule are `{}`. Declared value_info fills what inference leaves open.
 * Throws MODEL_SHAPE where shapes definitely do not fit (Conv channels, MatMul inner dims, ...).
 */
export function inferShapes(model: Model, options: InferShapesOptions = {}): Map<string, TensorType> {
  const g = model.graph;
  const types = new Map<string, TensorType>();
  const constants = new Map<string, P.ITensorProto>();
  const constantValues = new Map<string, number[]>();

  for (const t of g.initializer) {
    const dims = t.dims.map(toNumber);
    types.set(t.name, { dataType: dataTypeName(t.dataType), shape: dims });
    if (dims.reduce((a, b) => a * b, 1) <= MAX_CONSTANT_ELEMENTS) constants.set(t.name, t);
  }
  for (const vi of g.input) {
    const shape = options.inputs?.[vi.name] ?? valueInfoShape(vi);
    types.set(vi.name, { dataType: valueInfoDataType(vi), shape });
  }
  const declared = new Map([...g.valueInfo, ...g.output].map((vi) => [vi.name, { dataType: valueInfoDataType(vi), shape: valueInfoShape(vi) }]));

  const ctx: InferNodeContext = {
    opset: modelOpset(model),
    typeOf: (v) => types.get(v),
    constantOf: (v) => {
      if (constantValues.has(v)) return constantValues.get(v);
      const t = constants.get(v);
      if (!t) return undefined;
      try {
        const values = tensorToNumbers(t);
        constantValues.set(v, values);
        return values;
      } catch {
        return undefined; // an undecodable constant is just an unknown one
      }
    },
  };

  const nodes = isTopologicallySorted(g) ? g.node : topologicalOrder(g);
  for (const node of nodes) {
    const outputs = inferNode(node, ctx);
    node.output.forEach((name, i) => {
      if (name) types.set(name, merge(outputs[i], declared.get(name)));
    });
    rememberConstant(node, ctx, constants, constantValues);
  }
  return types;
}

/** Constant nodes, and Shape of a fully known shape, give values later Reshape/Resize rules read. */
function rememberConstant(node: P.INodeProto, ctx: InferNodeContext, constants: Map<string, P.ITensorProto>, values: Map<string, number[]>): void {
  const out = node.output?.[0];
  if (!out) return;
  if (node.opType === 'Constant') {
    const t = readAttribute(node, 'value');
    if (t && typeof t === 'object' && !Array.isArray(t) && 'dims' in t) constants.set(out, t as P.ITensorProto);
    for (const name of ['value_int', 'value_ints', 'value_float', 'value_floats']) {
      const v = readAttribute(node, name);
      if (v !== undefined) values.set(out, Array.isArray(v) ? (v as number[]) : [v as number]);
    }
  } else if (node.opType === 'Shape' && (node.attribute ?? []).length === 0) {
    const shape = ctx.typeOf(node.input?.[0] ?? '')?.shape;
    if (shape && shape.every((d) => typeof d === 'number')) values.set(out, shape as number[]);
  }
}

function merge(inferred: TensorType, declared: TensorType | undefined): TensorType {
  if (!declared) return inferred;
  const dataType = inferred.dataType ?? declared.dataType;
  if (!inferred.shape) return { dataType, shape: declared.shape };
  if (!declared.shape || declared.shape.length !== inferred.shape.length) return { dataType, shape: inferred.shape };
  return { dataType, shape: inferred.shape.map((d, i) => d ?? declared.shape![i]) };
}

/** Op types `inferShapes` has rules for (default domain). */
export const SHAPE_INFERENCE_OPS: readonly string[] = Object.keys(SHAPE_RULES).sort();
