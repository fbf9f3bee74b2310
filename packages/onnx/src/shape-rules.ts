import { SquintError } from '@squint/core';
import type { onnx as P } from 'onnx-proto';
import { intAttribute, intsAttribute, readAttribute, stringAttribute } from './attributes';
import { dataTypeName, type DataTypeName } from './data-type';
import { readTensor } from './tensor';
import type { Dim, Shape } from './value-info';

/** What is known about a value: element type and shape, either possibly unknown. */
export interface TensorType {
  dataType?: DataTypeName;
  /** undefined: rank unknown. */
  shape?: Shape;
}

/** What a rule sees of one node: its inputs' types and, where constant, their values. */
export interface RuleContext {
  node: P.INodeProto;
  inputs: (TensorType | undefined)[];
  /** Elements of input i when it is an initializer or Constant output, else undefined. */
  constant(i: number): number[] | undefined;
  opset: number;
}

/** Returns one TensorType per output; undefined entries (or a missing rule) mean "unknown". */
export type ShapeRule = (ctx: RuleContext) => (TensorType | undefined)[];

function fail(ctx: RuleContext, message: string): never {
  const n = ctx.node;
  throw new SquintError('MODEL_SHAPE', `${n.opType} node "${n.name || n.output?.[0] || '?'}": ${message}`);
}

const isNum = (d: Dim): d is number => typeof d === 'number';

/** Numpy-style multidirectional broadcasting, keeping symbolic names where they decide the size. */
export function broadcast(ctx: RuleContext, shapes: (Shape | undefined)[]): Shape | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const list = shapes as Shape[];
  const rank = Math.max(...list.map((s) => s.length));
  const out: Shape = [];
  for (let k = 0; k < rank; k++) {
    let dim: Dim = 1;
    for (const s of list) {
      const d = s[s.length - rank + k] ?? 1;
      if (d === 1) continue;
      if (dim === 1) dim = d;
      else if (isNum(d) && isNum(dim)) {
        if (d !== dim) fail(ctx, `cannot broadcast shapes ${list.map((x) => `[${x.join(',')}]`).join(' and ')}`);
      } else if (isNum(d)) dim = d;
      else if (!isNum(dim) && d !== dim) dim = null;
    }
    out.push(dim);
  }
  return out;
}

/** Product of dims; a single symbolic factor survives (N*1*1 = N), anything more is unknown. */
function product(dims: Shape): Dim {
  let numeric = 1;
  const symbols: Dim[] = [];
  for (const d of dims) {
    if (isNum(d)) numeric *= d;
    else symbols.push(d);
  }
  if (symbols.length === 0) return numeric;
  if (symbols.length === 1 && numeric === 1) return symbols[0];
  return numeric === 0 ? 0 : null;
}

const same: ShapeRule = (ctx) => [ctx.inputs[0] && { ...ctx.inputs[0] }];

const elementwise: ShapeRule = (ctx) => [{
  dataType: ctx.inputs[0]?.dataType,
  shape: broadcast(ctx, ctx.inputs.filter((_, i) => ctx.node.input?.[i]).map((t) => t?.shape)),
}];

const comparison: ShapeRule = (ctx) => [{ ...elementwise(ctx)[0], dataType: 'bool' }];

function normaliseAxis(ctx: RuleContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Spatial size of a sliding window op (Conv, pools); null when the input size is not a number. */
function windowed(d: Dim, k: number, s: number, dil: number, padBegin: number, padEnd: number, autoPad: string, ceil: boolean): Dim {
  if (!isNum(d)) return null;
  const span = (k - 1) * dil + 1;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(d / s);
  if (autoPad === 'VALID') return Math.floor((d - span) / s) + 1;
  const raw = (d + padBegin + padEnd - span) / s;
  let out = (ceil ? Math.ceil(raw) : Math.floor(raw)) + 1;
  // With ceil_mode a last window that would start inside the end padding is dropped.
  if (ceil && (out - 1) * s >= d + padBegin) out -= 1;
  return out;
}

function spatialParams(ctx: RuleContext, spatial: number, kernel: number[]) {
  const strides = intsAttribute(ctx.node, 'strides') ?? Array(spatial).fill(1);
  const dilations = intsAttribute(ctx.node, 'dilations') ?? Array(spatial).fill(1);
  const pads = intsAttribute(ctx.node, 'pads') ?? Array(spatial * 2).fill(0);
  const autoPad = stringAttribute(ctx.node, 'auto_pad', 'NOTSET');
  if (kernel.length !== spatial) fail(ctx, `kernel has ${kernel.length} spatial dims, input has ${spatial}`);
  return { strides, dilations, pads, autoPad };
}

const conv: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const w = ctx.inputs[1]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  if (!x || !w) return [{ dataType }];
  if (x.length < 3 || x.length !== w.length) fail(ctx, `input rank ${x.length} and weight rank ${w.length} do not fit (need N,C,spatial... and M,C/group,kernel...)`);
  const group = intAttribute(ctx.node, 'group', 1);
  if (isNum(x[1]) && isNum(w[1]) && x[1] !== w[1] * group) {
    fail(ctx, `input has ${x[1]} channels but the weight expects ${w[1]} x group ${group} = ${w[1] * group}`);
  }
  const b = ctx.inputs[2]?.shape;
  if (b && b.length === 1 && isNum(b[0]) && isNum(w[0]) && b[0] !== w[0]) fail(ctx, `bias has ${b[0]} elements for ${w[0]} output channels`);
  const spatial = x.length - 2;
  const kernel = intsAttribute(ctx.node, 'kernel_shape') ?? w.slice(2).map((d) => (isNum(d) ? d : NaN));
  const { strides, dilations, pads, autoPad } = spatialParams(ctx, spatial, kernel);
  const out = x.slice(2).map((d, i) => (Number.isNaN(kernel[i]) ? null : windowed(d, kernel[i], strides[i], dilations[i], pads[i], pads[i + spatial], autoPad, false)));
  return [{ dataType, shape: [x[0], w[0], ...out] }];
};

const convTranspose: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const w = ctx.inputs[1]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  if (!x || !w) return [{ dataType }];
  const group = intAttribute(ctx.node, 'group', 1);
  if (isNum(x[1]) && isNum(w[0]) && x[1] !== w[0]) fail(ctx, `input has ${x[1]} channels but the weight expects ${w[0]}`);
  const spatial = x.length - 2;
  const channels = isNum(w[1]) ? w[1] * group : null;
  const outputShape = intsAttribute(ctx.node, 'output_shape');
  if (outputShape) return [{ dataType, shape: [x[0], channels, ...outputShape.slice(-spatial)] }];
  const kernel = intsAttribute(ctx.node, 'kernel_shape') ?? w.slice(2).map((d) => (isNum(d) ? d : NaN));
  const { strides, dilations, pads, autoPad } = spatialParams(ctx, spatial, kernel);
  const outPad = intsAttribute(ctx.node, 'output_padding') ?? Array(spatial).fill(0);
  const out = x.slice(2).map((d, i) => {
    if (!isNum(d) || Number.isNaN(kernel[i])) return null;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return d * strides[i];
    const padTotal = autoPad === 'VALID' ? 0 : pads[i] + pads[i + spatial];
    return strides[i] * (d - 1) + outPad[i] + (kernel[i] - 1) * dilations[i] + 1 - padTotal;
  });
  return [{ dataType, shape: [x[0], channels, ...out] }];
};

const pool: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  if (!x) return [{ dataType }, { dataType: 'int64' }];
  const kernel = intsAttribute(ctx.node, 'kernel_shape');
  if (!kernel) fail(ctx, 'kernel_shape is required');
  const spatial = x.length - 2;
  const { strides, dilations, pads, autoPad } = spatialParams(ctx, spatial, kernel);
  const ceil = intAttribute(ctx.node, 'ceil_mode', 0) === 1;
  const shape = [x[0], x[1], ...x.slice(2).map((d, i) => windowed(d, kernel[i], strides[i], dilations[i], pads[i], pads[i + spatial], autoPad, ceil))];
  return [{ dataType, shape }, { dataType: 'int64', shape }];
};

const globalPool: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  return [{ dataType: x?.dataType, shape: x?.shape && [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)] }];
};

const matMul: ShapeRule = (ctx) => {
  const a = ctx.inputs[0]?.shape;
  const b = ctx.inputs[1]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  if (!a || !b) return [{ dataType }];
  if (a.length === 0 || b.length === 0) fail(ctx, 'MatMul does not take scalars');
  const A = a.length === 1 ? [1, a[0]] : a;
  const B = b.length === 1 ? [b[0], 1] : b;
  const k1 = A[A.length - 1];
  const k2 = B[B.length - 2];
  if (isNum(k1) && isNum(k2) && k1 !== k2) fail(ctx, `inner dimensions differ: [${a.join(',')}] x [${b.join(',')}]`);
  const batch = broadcast(ctx, [A.slice(0, -2), B.slice(0, -2)])!;
  const shape: Shape = [...batch];
  if (a.length > 1) shape.push(A[A.length - 2]);
  if (b.length > 1) shape.push(B[B.length - 1]);
  return [{ dataType, shape }];
};

const gemm: ShapeRule = (ctx) => {
  const a = ctx.inputs[0]?.shape;
  const b = ctx.inputs[1]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  if (!a || !b) return [{ dataType }];
  if (a.length !== 2 || b.length !== 2) fail(ctx, `Gemm needs 2-D inputs, got [${a.join(',')}] and [${b.join(',')}]`);
  const [m, k1] = intAttribute(ctx.node, 'transA', 0) ? [a[1], a[0]] : a;
  const [k2, n] = intAttribute(ctx.node, 'transB', 0) ? [b[1], b[0]] : b;
  if (isNum(k1) && isNum(k2) && k1 !== k2) fail(ctx, `inner dimensions differ: ${k1} vs ${k2}`);
  return [{ dataType, shape: [m, n] }];
};

const reshape: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  const target = ctx.opset >= 5 ? ctx.constant(1) : intsAttribute(ctx.node, 'shape');
  if (!target) {
    const len = ctx.inputs[1]?.shape?.[0] ?? null;
    return [{ dataType, shape: isNum(len) ? Array(len).fill(null) : undefined }];
  }
  const allowZero = intAttribute(ctx.node, 'allowzero', 0) === 1;
  const shape: Shape = target.map((d, i) => (d === 0 && !allowZero ? (x ? x[i] ?? fail(ctx, `shape copies dim ${i} the input lacks`) : null) : d === -1 ? null : d));
  const inferred = target.indexOf(-1);
  if (inferred >= 0 && x) {
    // Divide the input's size by the known output dims, cancelling symbolic names on both sides.
    const remaining = [...x];
    let known = 1;
    let unknown = false;
    shape.forEach((d, i) => {
      if (i === inferred) return;
      if (isNum(d)) known *= d;
      else {
        const j = remaining.indexOf(d);
        if (d !== null && j >= 0) remaining.splice(j, 1);
        else unknown = true;
      }
    });
    const total = product(remaining);
    if (!unknown && isNum(total)) {
      if (total % known !== 0) fail(ctx, `cannot reshape [${x.join(',')}] to [${target.join(',')}]`);
      shape[inferred] = total / known;
    } else if (!unknown && known === 1) shape[inferred] = total;
  } else if (x && inferred < 0) {
    const a = product(x);
    const b = product(shape);
    if (isNum(a) && isNum(b) && a !== b) fail(ctx, `cannot reshape [${x.join(',')}] (${a} elements) to [${target.join(',')}] (${b})`);
  }
  return [{ dataType, shape }];
};

const flatten: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  if (!x) return [{ dataType }];
  const raw = intAttribute(ctx.node, 'axis', 1);
  const axis = raw < 0 ? raw + x.length : raw;
  if (axis < 0 || axis > x.length) fail(ctx, `axis ${raw} is out of range for rank ${x.length}`);
  return [{ dataType, shape: [product(x.slice(0, axis)), product(x.slice(axis))] }];
};

const transpose: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  if (!x) return [{ dataType }];
  const perm = intsAttribute(ctx.node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
  if (perm.length !== x.length) fail(ctx, `perm [${perm.join(',')}] does not match rank ${x.length}`);
  return [{ dataType, shape: perm.map((p) => x[p]) }];
};

const concat: ShapeRule = (ctx) => {
  const shapes = ctx.inputs.map((t) => t?.shape);
  const dataType = ctx.inputs.find((t) => t?.dataType)?.dataType;
  if (shapes.some((s) => !s)) return [{ dataType }];
  const list = shapes as Shape[];
  const rank = list[0].length;
  if (list.some((s) => s.length !== rank)) fail(ctx, `inputs have different ranks: ${list.map((s) => `[${s.join(',')}]`).join(', ')}`);
  const axis = normaliseAxis(ctx, intAttribute(ctx.node, 'axis', 0), rank);
  const shape: Shape = list[0].map((_, k) => {
    if (k === axis) return list.every((s) => isNum(s[k])) ? list.reduce((sum, s) => sum + (s[k] as number), 0) : null;
    const known = list.map((s) => s[k]).find(isNum);
    if (known !== undefined && list.some((s) => isNum(s[k]) && s[k] !== known)) fail(ctx, `inputs differ in dim ${k} off the concat axis`);
    return known ?? (list.every((s) => s[k] === list[0][k]) ? list[0][k] : null);
  });
  return [{ dataType, shape }];
};

/** Axes from the input that newer opsets use, or from the attribute older ones use. */
function axesOf(ctx: RuleContext, inputIndex: number, inputSince: number): number[] | undefined | 'dynamic' {
  if (ctx.opset >= inputSince) {
    if (!ctx.node.input?.[inputIndex]) return undefined;
    return ctx.constant(inputIndex) ?? 'dynamic';
  }
  return intsAttribute(ctx.node, 'axes');
}

const squeeze: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  const axes = axesOf(ctx, 1, 13);
  if (!x || axes === 'dynamic') return [{ dataType }];
  if (!axes) return [{ dataType, shape: x.every(isNum) ? x.filter((d) => d !== 1) : undefined }];
  const drop = new Set(axes.map((a) => normaliseAxis(ctx, a, x.length)));
  for (const a of drop) if (isNum(x[a]) && x[a] !== 1) fail(ctx, `cannot squeeze dim ${a} of size ${x[a]}`);
  return [{ dataType, shape: x.filter((_, i) => !drop.has(i)) }];
};

const unsqueeze: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  const axes = axesOf(ctx, 1, 13);
  if (!x || axes === 'dynamic') return [{ dataType }];
  if (!axes) fail(ctx, 'axes are required');
  const rank = x.length + axes.length;
  const insert = new Set(axes.map((a) => normaliseAxis(ctx, a, rank)));
  const rest = [...x];
  return [{ dataType, shape: Array.from({ length: rank }, (_, i) => (insert.has(i) ? 1 : rest.shift()!)) }];
};

function reduce(inputSince: number): ShapeRule {
  return (ctx) => {
    const x = ctx.inputs[0]?.shape;
    const dataType = ctx.inputs[0]?.dataType;
    const axes = axesOf(ctx, 1, inputSince);
    if (!x || axes === 'dynamic') return [{ dataType }];
    const keep = intAttribute(ctx.node, 'keepdims', 1) === 1;
    const noop = intAttribute(ctx.node, 'noop_with_empty_axes', 0) === 1;
    if ((!axes || axes.length === 0) && noop) return [{ dataType, shape: [...x] }];
    const reduced = new Set(axes && axes.length > 0 ? axes.map((a) => normaliseAxis(ctx, a, x.length)) : x.map((_, i) => i));
    const shape = keep ? x.map((d, i) => (reduced.has(i) ? 1 : d)) : x.filter((_, i) => !reduced.has(i));
    return [{ dataType, shape }];
  };
}

const resize: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  if (!x) return [{ dataType }];
  const [scalesAt, sizesAt] = ctx.opset >= 11 ? [2, 3] : [1, -1];
  const sizes = sizesAt > 0 && ctx.node.input?.[sizesAt] ? ctx.constant(sizesAt) : undefined;
  const scales = ctx.node.input?.[scalesAt] ? ctx.constant(scalesAt) : undefined;
  const axes = (intsAttribute(ctx.node, 'axes') ?? x.map((_, i) => i)).map((a) => normaliseAxis(ctx, a, x.length));
  const policy = stringAttribute(ctx.node, 'keep_aspect_ratio_policy', 'stretch');
  const shape: Shape = [...x];
  if (sizes && sizes.length > 0) {
    if (sizes.length !== axes.length) fail(ctx, `sizes has ${sizes.length} entries for ${axes.length} axes`);
    axes.forEach((a, i) => (shape[a] = policy === 'stretch' ? sizes[i] : null));
  } else if (scales && scales.length > 0) {
    if (scales.length !== axes.length) fail(ctx, `scales has ${scales.length} entries for ${axes.length} axes`);
    axes.forEach((a, i) => {
      const d = x[a];
      shape[a] = scales[i] === 1 ? d : isNum(d) ? Math.floor(d * scales[i]) : null;
    });
  } else {
    return [{ dataType, shape: x.map(() => null) }];
  }
  return [{ dataType, shape }];
};

const pad: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  if (!x) return [{ dataType }];
  const pads = ctx.opset >= 11 ? ctx.constant(1) : intsAttribute(ctx.node, 'pads');
  if (!pads) return [{ dataType, shape: x.map(() => null) }];
  const axesGiven = ctx.opset >= 18 && ctx.node.input?.[3];
  const axes = axesGiven ? ctx.constant(3)?.map((a) => normaliseAxis(ctx, a, x.length)) : x.map((_, i) => i);
  if (!axes) return [{ dataType, shape: x.map(() => null) }];
  if (pads.length !== axes.length * 2) fail(ctx, `pads has ${pads.length} entries, expected ${axes.length * 2}`);
  const shape = [...x];
  axes.forEach((a, i) => {
    const d = x[a];
    const add = pads[i] + pads[i + axes.length];
    shape[a] = add === 0 ? d : isNum(d) ? d + add : null;
  });
  return [{ dataType, shape }];
};

const slice: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  if (!x) return [{ dataType }];
  const fromInputs = ctx.opset >= 10;
  const starts = fromInputs ? ctx.constant(1) : intsAttribute(ctx.node, 'starts');
  const ends = fromInputs ? ctx.constant(2) : intsAttribute(ctx.node, 'ends');
  const axesGiven = fromInputs ? !!ctx.node.input?.[3] : !!intsAttribute(ctx.node, 'axes');
  const axes = axesGiven ? (fromInputs ? ctx.constant(3) : intsAttribute(ctx.node, 'axes')) : starts?.map((_, i) => i);
  const steps = fromInputs && ctx.node.input?.[4] ? ctx.constant(4) : starts?.map(() => 1);
  if (!starts || !ends || !axes || !steps) return [{ dataType, shape: x.map(() => null) }];
  const shape = [...x];
  axes.forEach((raw, i) => {
    const a = normaliseAxis(ctx, raw, x.length);
    const d = x[a];
    const step = steps[i];
    if (step === 0) fail(ctx, 'steps must not be 0');
    if (!isNum(d)) {
      // The whole axis, untouched, keeps its symbolic size.
      shape[a] = starts[i] === 0 && step === 1 && ends[i] >= 2 ** 31 - 1 ? d : null;
      return;
    }
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const norm = (v: number) => (v < 0 ? v + d : v);
    if (step > 0) {
      const s = clamp(norm(starts[i]), 0, d);
      const e = clamp(norm(ends[i]), 0, d);
      shape[a] = Math.max(0, Math.ceil((e - s) / step));
    } else {
      const s = clamp(norm(starts[i]), 0, d - 1);
      const e = clamp(norm(ends[i]), -1, d - 1);
      shape[a] = Math.max(0, Math.ceil((s - e) / -step));
    }
  });
  return [{ dataType, shape }];
};

const constant: ShapeRule = (ctx) => {
  const t = readAttribute(ctx.node, 'value');
  if (t && typeof t === 'object' && !Array.isArray(t) && 'dims' in t) {
    const decoded = readTensor(t as P.ITensorProto);
    return [{ dataType: decoded.dataType, shape: decoded.dims }];
  }
  for (const [name, dataType, scalar] of [['value_float', 'float32', true], ['value_int', 'int64', true], ['value_floats', 'float32', false], ['value_ints', 'int64', false]] as const) {
    const v = readAttribute(ctx.node, name);
    if (v !== undefined) return [{ dataType, shape: scalar ? [] : [(v as number[]).length] }];
  }
  return [undefined];
};

const cast: ShapeRule = (ctx) => [{ dataType: dataTypeName(intAttribute(ctx.node, 'to', 0)), shape: ctx.inputs[0]?.shape }];

const shapeOp: ShapeRule = (ctx) => [{ dataType: 'int64', shape: ctx.inputs[0]?.shape ? [ctx.inputs[0].shape.length] : [null] }];

const gather: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const idx = ctx.inputs[1]?.shape;
  const dataType = ctx.inputs[0]?.dataType;
  if (!x || !idx) return [{ dataType }];
  const axis = normaliseAxis(ctx, intAttribute(ctx.node, 'axis', 0), x.length);
  return [{ dataType, shape: [...x.slice(0, axis), ...idx, ...x.slice(axis + 1)] }];
};

const unary = ['Relu', 'Sigmoid', 'Tanh', 'Identity', 'Clip', 'Sqrt', 'Exp', 'Log', 'Abs', 'Neg', 'Reciprocal', 'Erf', 'Floor', 'Ceil', 'Round',
  'Sign', 'LeakyRelu', 'Elu', 'Selu', 'HardSigmoid', 'HardSwish', 'Softplus', 'Softsign', 'Mish', 'Gelu', 'BatchNormalization',
  'InstanceNormalization', 'LRN', 'Dropout', 'LayerNormalization'];

/** The ops with shape rules. Anything else yields unknown outputs. */
export const SHAPE_RULES: Readonly<Partial<Record<string, ShapeRule>>> = {
  ...Object.fromEntries(unary.map((op) => [op, same])),
  Softmax: same, LogSoftmax: same,
  Add: elementwise, Sub: elementwise, Mul: elementwise, Div: elementwise, Pow: elementwise, PRelu: elementwise,
  Max: elementwise, Min: elementwise, Sum: elementwise, Mean: elementwise,
  Equal: comparison, Less: comparison, Greater: comparison, LessOrEqual: comparison, GreaterOrEqual: comparison,
  Conv: conv, ConvTranspose: convTranspose,
  MaxPool: pool, AveragePool: pool, GlobalMaxPool: globalPool, GlobalAveragePool: globalPool,
  MatMul: matMul, Gemm: gemm,
  Reshape: reshape, Flatten: flatten, Transpose: transpose, Concat: concat, Squeeze: squeeze, Unsqueeze: unsqueeze,
  ReduceMax: reduce(18), ReduceMin: reduce(18), ReduceMean: reduce(18), ReduceSum: reduce(13),
  Resize: resize, Pad: pad, Slice: slice,
  Constant: constant, Cast: cast, Shape: shapeOp, Gather: gather,
};
