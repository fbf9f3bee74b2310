import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { makeBatchDynamic } from './batch';
import { GraphBuilder, type ValueRef } from './graph-builder';
import { inferShapes } from './infer-shapes';
import { readModel } from './model-io';

const require = createRequire(import.meta.url);
const FR_FEATURE = require.resolve('faceplugin-face-recognition-js/model/fr_feature.onnx');

/** One graph exercising every op with a shape rule; every intermediate is also a graph output. */
function zoo(): { bytes: Uint8Array; outputs: ValueRef[] } {
  const g = new GraphBuilder('zoo', { opset: 18 });
  const x = g.input('x', 'float32', ['N', 3, 9, 7]);
  const w = (name: string, dims: number[]) => g.initializer(name, Float32Array.from({ length: dims.reduce((a, b) => a * b) }, (_, i) => Math.sin(i)), dims);
  const outs: ValueRef[] = [];
  const add = (v: ValueRef) => (outs.push(v), v);

  const conv = add(g.node('Conv', [x, w('cw', [4, 3, 3, 3])], { strides: [2, 2], pads: [1, 0, 1, 0], dilations: [1, 2] }));
  add(g.node('Conv', [x, w('dw', [3, 1, 3, 3])], { group: 3, auto_pad: 'SAME_UPPER', strides: [2, 2] }));
  add(g.node('Conv', [x, w('vw', [2, 3, 2, 2])], { auto_pad: 'VALID' }));
  add(g.node('ConvTranspose', [conv, w('tw', [4, 2, 3, 3])], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 0] }));
  add(g.node('PRelu', [conv, w('slope', [4, 1, 1])]));
  add(g.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }));
  add(g.node('MaxPool', [x], { kernel_shape: [3, 2], strides: [2, 1] }));
  add(g.node('AveragePool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 0 }));
  add(g.node('GlobalAveragePool', [x]));
  const gmp = add(g.node('GlobalMaxPool', [conv]));
  add(g.node('ReduceMax', [x, g.int64s([2, 3])], { keepdims: 1 }));
  add(g.node('ReduceMin', [x, g.int64s([1])], { keepdims: 0 }));
  add(g.node('ReduceMean', [x, g.int64s([-1])]));
  add(g.node('ReduceMean', [x], { keepdims: 0 }));
  add(g.node('Resize', [x, '', g.float32s([1, 1, 0.5, 1.5])], { mode: 'linear' }));
  add(g.node('Resize', [x, '', '', g.int64s([1, 3, 4, 4])], { mode: 'nearest' })); // batch must be 1: see feed
  add(g.node('Pad', [x, g.int64s([0, 0, 1, 2, 0, 1, 3, 0])], { mode: 'reflect' }));
  add(g.node('Slice', [x, g.int64s([1, -5]), g.int64s([3, 1000]), g.int64s([1, 2])]));
  add(g.node('Slice', [x, g.int64s([-1]), g.int64s([-1000]), g.int64s([3]), g.int64s([-2])]));
  const flat = add(g.node('Flatten', [gmp]));
  add(g.node('Gemm', [flat, w('gw', [4, 5]), w('gb', [5])]));
  add(g.node('MatMul', [x, w('mw', [7, 2])]));
  add(g.node('MatMul', [w('mv', [9]), x]));
  add(g.node('Reshape', [x, g.int64s([0, -1, 7])]));
  add(g.node('Transpose', [x, ], { perm: [0, 2, 3, 1] }));
  add(g.node('Concat', [x, x, x], { axis: -1 }));
  const unsq = add(g.node('Unsqueeze', [x, g.int64s([0, -1])]));
  add(g.node('Squeeze', [unsq, g.int64s([0])]));
  for (const op of ['Relu', 'Sigmoid', 'Identity', 'Sqrt', 'Softmax']) add(g.node(op, [x]));
  add(g.node('Clip', [x, g.constant(new Float32Array([0]), []), g.constant(new Float32Array([1]), [])]));
  add(g.node('Pow', [x, g.constant(new Float32Array([2]), [])]));
  for (const op of ['Add', 'Sub', 'Mul', 'Div']) add(g.node(op, [x, w(`${op}b`, [9, 1])]));
  for (const v of outs) g.output(v);
  return { bytes: g.toModel(), outputs: outs };
}

describe('inferShapes', () => {
  it('matches onnxruntime output dims for every op it covers, symbolically and with a concrete batch', async () => {
    const { bytes, outputs } = zoo();
    // onnxruntime's own graph-level inference misses ceil_mode's last-window rule that its kernel
    // applies (and inferShapes follows); silence its warning about that MaxPool.
    const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
    const x = new ort.Tensor('float32', Float32Array.from({ length: 3 * 9 * 7 }, (_, i) => (i % 11) / 11 + 0.1), [1, 3, 9, 7]);
    const result = await session.run({ x });
    const concrete = inferShapes(readModel(bytes), { inputs: { x: [1, 3, 9, 7] } });
    const symbolic = inferShapes(readModel(bytes));
    for (const v of outputs) {
      const actual = result[v.name].dims;
      expect({ value: v.name, dims: concrete.get(v.name)?.shape }).toEqual({ value: v.name, dims: actual });
      // The batch-symbolic shapes agree with onnxruntime once N is 1.
      expect({ value: v.name, dims: symbolic.get(v.name)?.shape?.map((d) => (d === 'N' ? 1 : d)) }).toEqual({ value: v.name, dims: actual });
      expect(v.shape).toEqual(symbolic.get(v.name)?.shape);
    }
    expect(concrete.get(outputs[0].name)?.dataType).toBe('float32');
  });

  it('carries the symbolic batch through fr_feature.onnx to its output', () => {
    const fixed = inferShapes(readModel(new Uint8Array(readFileSync(FR_FEATURE))));
    expect(fixed.get('output')?.shape).toEqual([1, 512]);
    const dynamic = readModel(makeBatchDynamic(new Uint8Array(readFileSync(FR_FEATURE)), { dimName: 'faces' }));
    // Drop the declared output shape so the answer must come from inference, not the declaration.
    dynamic.graph.output[0].type!.tensorType!.shape = null;
    const types = inferShapes(dynamic);
    expect(types.get('output')).toEqual({ dataType: 'float32', shape: ['faces', 512] });
    expect(inferShapes(dynamic, { inputs: { input: [8, 3, 112, 112] } }).get('output')?.shape).toEqual([8, 512]);
  });

  it('gives unknown shapes, not errors, for ops without a rule', () => {
    const g = new GraphBuilder('unknown');
    const x = g.input('x', 'float32', [2, 3]);
    const y = g.node('Einsum', [x, x], { equation: 'ij,ij->i' });
    expect(y.shape).toBeUndefined();
    const z = g.node('Relu', [y]);
    expect(z.shape).toBeUndefined();
    g.output(z, 'float32', [2]);
    expect(inferShapes(g.build()).get(z.name)).toEqual({ dataType: 'float32', shape: [2] }); // from the declaration
  });
});
