import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './graph-builder';
import {
  consumersOf, detachProducer, findNodes, getInitializer, getInitializerData, insertNode, isTopologicallySorted,
  producerOf, removeInitializer, removeUnused, renameValue, replaceUses, setInitializer, sortTopologically,
} from './graph-edit';
import { readModel, writeModel } from './model-io';
import type { Model } from './proto';
import { makeTensor } from './tensor';

const [N, IN, OUT, RANK] = [2, 4, 3, 2];
const W = Float32Array.from({ length: IN * OUT }, (_, i) => (i % 5) - 2);
const X = Float32Array.from({ length: N * IN }, (_, i) => i / 3 - 1);

/** x -> MatMul(W) -> y -> Relu -> z; both y and z are outputs. */
function linearModel(): Model {
  const g = new GraphBuilder('linear');
  const x = g.input('x', 'float32', ['N', IN]);
  const y = g.node('MatMul', [x, g.initializer('W', W, [IN, OUT])], {}, { name: 'proj', outputs: ['y'] });
  g.output(y);
  g.output(g.node('Relu', [y], {}, { outputs: ['z'] }));
  return g.build();
}

async function run(model: Model, feeds: Record<string, Float32Array> = { x: X }): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(writeModel(model));
  const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v, [N, IN])])));
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
}

function matmul(a: Float32Array, b: ArrayLike<number>, rows: number, inner: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
    let acc = 0;
    for (let k = 0; k < inner; k++) acc += a[r * inner + k] * b[k * cols + c];
    out[r * cols + c] = acc;
  }
  return out;
}

describe('graph editing', () => {
  it('finds nodes and reads initializers from raw_data and from float_data', () => {
    const m = linearModel();
    expect(findNodes(m, { opType: 'MatMul' }).map((n) => n.name)).toEqual(['proj']);
    expect(findNodes(m, { name: /^Relu/ })).toHaveLength(1);
    expect(findNodes(m, { input: 'y' }).map((n) => n.opType)).toEqual(['Relu']);
    expect(producerOf(m, 'y')?.name).toBe('proj');
    expect(consumersOf(m, 'W').map((n) => n.name)).toEqual(['proj']);
    expect(Array.from(getInitializerData(m, 'W'))).toEqual(Array.from(W));
    expect(getInitializer(m, 'W')?.rawData.length).toBe(W.length * 4);

    setInitializer(m, { name: 'W', dataType: 1, dims: [IN, OUT], floatData: Array.from(W, (v) => v * 2) });
    expect(getInitializer(m, 'W')?.rawData.length).toBe(0);
    expect(Array.from(getInitializerData(m, 'W'))).toEqual(Array.from(W, (v) => v * 2));
    expect(() => getInitializerData(m, 'missing')).toThrow(/missing/);
  });

  it('inserts a LoRA branch around a MatMul and onnxruntime computes x(W + AB)', async () => {
    const m = linearModel();
    const A = Float32Array.from({ length: IN * RANK }, (_, i) => Math.cos(i));
    const B = Float32Array.from({ length: RANK * OUT }, (_, i) => Math.sin(i + 1));
    setInitializer(m, makeTensor('lora.A', A, [IN, RANK]));
    setInitializer(m, makeTensor('lora.B', B, [RANK, OUT]));
    const base = detachProducer(m, 'y');
    insertNode(m, { name: 'lora.down', opType: 'MatMul', input: ['x', 'lora.A'], output: ['lora.h'] });
    insertNode(m, { name: 'lora.up', opType: 'MatMul', input: ['lora.h', 'lora.B'], output: ['lora.delta'] });
    insertNode(m, { name: 'lora.add', opType: 'Add', input: [base, 'lora.delta'], output: ['y'] });
    expect(isTopologicallySorted(m)).toBe(true);

    const out = await run(readModel(writeModel(m)));
    const merged = Float32Array.from(W, (w, i) => w + matmul(A, B, IN, RANK, OUT)[i]);
    const expected = matmul(X, merged, N, IN, OUT);
    expect(Array.from(out.y).map((v) => +v.toFixed(4))).toEqual(Array.from(expected).map((v) => +v.toFixed(4)));
    expect(Array.from(out.z)).toEqual(Array.from(out.y).map((v) => Math.max(0, v)));
  });

  it('reroutes readers with replaceUses', async () => {
    const m = linearModel();
    const neg = insertNode(m, { name: 'neg', opType: 'Neg', input: ['y'], output: ['y_neg'] });
    replaceUses(m, 'y', 'y_neg', { except: [neg] });
    expect(m.graph.output.map((o) => o.name)).toEqual(['y_neg', 'z']);
    const out = await run(m);
    const plain = matmul(X, W, N, IN, OUT);
    expect(Array.from(out.z)).toEqual(Array.from(plain, (v) => Math.max(0, -v)));
  });

  it('renames values everywhere', async () => {
    const m = linearModel();
    renameValue(m, 'x', 'features');
    renameValue(m, 'W', 'weight');
    expect(() => renameValue(m, 'y', 'z')).toThrow(/taken/);
    const out = await run(m, { features: X });
    expect(Array.from(out.y)).toEqual(Array.from(matmul(X, W, N, IN, OUT)));
  });

  it('removes dead nodes and unused initializers, keeping graph inputs', async () => {
    const m = linearModel();
    setInitializer(m, makeTensor('unused', new Float32Array(4), [4]));
    setInitializer(m, makeTensor('deadW', new Float32Array(IN * OUT), [IN, OUT]));
    insertNode(m, { name: 'dead1', opType: 'MatMul', input: ['x', 'deadW'], output: ['d1'] });
    insertNode(m, { name: 'dead2', opType: 'Sigmoid', input: ['d1'], output: ['d2'] });
    expect(removeUnused(m)).toEqual({ nodes: 2, initializers: 2 });
    expect(m.graph.node.map((n) => n.name)).toEqual(['proj', 'Relu_0']);
    expect(m.graph.input.map((i) => i.name)).toEqual(['x']);
    expect(removeUnused(m)).toEqual({ nodes: 0, initializers: 0 });
    expect(removeInitializer(m, 'W')).toBe(true);
    expect(removeInitializer(m, 'W')).toBe(false);
  });

  it('detects and repairs node order', async () => {
    const m = linearModel();
    m.graph.node.reverse();
    expect(isTopologicallySorted(m)).toBe(false);
    sortTopologically(m);
    expect(isTopologicallySorted(m)).toBe(true);
    expect(m.graph.node.map((n) => n.opType)).toEqual(['MatMul', 'Relu']);
    expect((await run(m)).y.length).toBe(N * OUT);

    m.graph.node[0].input[0] = 'nowhere';
    expect(() => sortTopologically(m)).toThrow(/nowhere/);
  });
});
