import { isSquintError } from '@squint/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attr } from './attributes';
import { GraphBuilder } from './graph-builder';
import { inferShapes } from './infer-shapes';
import { readModel } from './model-io';
import { makeTensor } from './tensor';
import { valueInfoShape } from './value-info';

function seeded(seed: number, length: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale;
  });
}

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  return session.run(feeds);
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(tolerance);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('GraphBuilder', () => {
  it('builds Conv+Relu+GlobalMaxPool+Flatten+Gemm that onnxruntime runs as computed by hand', async () => {
    const [N, C, H, W, M, K] = [2, 2, 6, 5, 4, 3];
    const g = new GraphBuilder('tiny', { docString: 'test network' });
    const x = g.input('input', 'float32', ['N', C, H, W]);
    const w = g.initializer('conv.weight', Float32Array, [M, C, K, K]);
    w.data.set(seeded(1, w.data.length, 0.5)); // filled after creation: the builder reads it at build time
    const b = g.initializer('conv.bias', seeded(2, M, 0.1), [M]);
    const conv = g.node('Conv', [x, w, b], { kernel_shape: [K, K], pads: [1, 1, 1, 1], strides: [1, 1] });
    expect(conv.shape).toEqual(['N', M, H, W]);
    const pooled = g.node('GlobalMaxPool', [g.node('Relu', [conv])]);
    const flat = g.node('Flatten', [pooled], { axis: 1 });
    expect(flat.shape).toEqual(['N', M]);
    const fcW = g.initializer('fc.weight', seeded(3, 3 * M), [3, M]);
    const fcB = g.initializer('fc.bias', seeded(4, 3), [3]);
    const y = g.node('Gemm', [flat, fcW, fcB], { transB: 1, alpha: 1 }, { outputs: ['score'] });
    g.output(y, 'float32', ['N', 3]);
    const bytes = g.toModel({ opset: 17, docString: 'built in a test' });

    const model = readModel(bytes);
    expect(model.graph.name).toBe('tiny');
    expect(model.docString).toBe('built in a test');
    expect(valueInfoShape(model.graph.output[0])).toEqual(['N', 3]);
    expect(model.graph.node.map((n) => n.name)).toEqual(['Conv_0', 'Relu_1', 'GlobalMaxPool_2', 'Flatten_3', 'Gemm_4']);

    const input = seeded(5, N * C * H * W);
    const out = await run(bytes, { input: new ort.Tensor('float32', input, [N, C, H, W]) });
    expect(out.score.dims).toEqual([N, 3]);

    // Reference: direct convolution, relu, spatial max, dense layer.
    const expected: number[] = [];
    for (let n = 0; n < N; n++) {
      const feat: number[] = [];
      for (let m = 0; m < M; m++) {
        let best = -Infinity;
        for (let oy = 0; oy < H; oy++) for (let ox = 0; ox < W; ox++) {
          let acc = b.data[m];
          for (let c = 0; c < C; c++) for (let ky = 0; ky < K; ky++) for (let kx = 0; kx < K; kx++) {
            const iy = oy + ky - 1;
            const ix = ox + kx - 1;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            acc += input[((n * C + c) * H + iy) * W + ix] * w.data[((m * C + c) * K + ky) * K + kx];
          }
          best = Math.max(best, Math.max(0, acc));
        }
        feat.push(best);
      }
      for (let j = 0; j < 3; j++) {
        let acc = fcB.data[j];
        for (let m = 0; m < M; m++) acc += feat[m] * fcW.data[j * M + m];
        expected.push(acc);
      }
    }
    expectClose(out.score.data as Float32Array, expected);
  });

  it('builds Resize (nearest and linear, by scales and by sizes) matching hand-computed upsampling', async () => {
    const [H, W] = [3, 4];
    const g = new GraphBuilder('resize');
    const x = g.input('x', 'float32', [1, 1, H, W]);
    const scales = g.float32s([1, 1, 2, 2]);
    const nearest = g.node('Resize', [x, '', scales], { mode: 'nearest' }, { outputs: ['nearest'] });
    const linear = g.node('Resize', [x, null, scales], { mode: 'linear' }, { outputs: ['linear'] });
    const sized = g.node('Resize', [x, '', '', g.int64s([1, 1, 5, 7])], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, { outputs: ['sized'] });
    expect(nearest.shape).toEqual([1, 1, 6, 8]);
    expect(sized.shape).toEqual([1, 1, 5, 7]);
    for (const v of [nearest, linear, sized]) g.output(v);
    const input = seeded(9, H * W);
    const out = await run(g.toModel(), { x: new ort.Tensor('float32', input, [1, 1, H, W]) });

    const at = (y: number, xx: number) => input[y * W + xx];
    const near: number[] = [];
    const lin: number[] = [];
    for (let oy = 0; oy < 2 * H; oy++) for (let ox = 0; ox < 2 * W; ox++) {
      near.push(at(Math.floor(oy / 2), Math.floor(ox / 2)));
      // half_pixel coordinates, clamped to the edge.
      const sy = Math.min(Math.max((oy + 0.5) / 2 - 0.5, 0), H - 1);
      const sx = Math.min(Math.max((ox + 0.5) / 2 - 0.5, 0), W - 1);
      const [y0, x0] = [Math.floor(sy), Math.floor(sx)];
      const [y1, x1] = [Math.min(y0 + 1, H - 1), Math.min(x0 + 1, W - 1)];
      const [fy, fx] = [sy - y0, sx - x0];
      lin.push((1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) + fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1)));
    }
    const sizedRef: number[] = [];
    for (let oy = 0; oy < 5; oy++) for (let ox = 0; ox < 7; ox++) sizedRef.push(at(Math.floor((oy * H) / 5), Math.floor((ox * W) / 7)));
    expectClose(out.nearest.data as Float32Array, near);
    expectClose(out.linear.data as Float32Array, lin);
    expect(out.sized.dims).toEqual([1, 1, 5, 7]);
    expectClose(out.sized.data as Float32Array, sizedRef);
  });

  it('builds Concat, Transpose, Reshape and MatMul whose values match', async () => {
    const g = new GraphBuilder('concat');
    const a = g.input('a', 'float32', ['N', 2, 3]);
    const b = g.input('b', 'float32', ['N', 1, 3]);
    const cat = g.node('Concat', [a, b], { axis: 1 });
    expect(cat.shape).toEqual(['N', 3, 3]);
    const t = g.node('Transpose', [cat], { perm: [0, 2, 1] });
    const flat = g.node('Reshape', [t, g.int64s([0, -1])]);
    expect(flat.shape).toEqual(['N', 9]);
    const proj = g.node('MatMul', [flat, g.initializer('proj', Float32Array.from({ length: 18 }, (_, i) => i % 3), [9, 2])]);
    expect(proj.shape).toEqual(['N', 2]);
    g.output(cat);
    g.output(proj);
    const av = seeded(11, 2 * 2 * 3);
    const bv = seeded(12, 2 * 1 * 3);
    const out = await run(g.toModel(), { a: new ort.Tensor('float32', av, [2, 2, 3]), b: new ort.Tensor('float32', bv, [2, 1, 3]) });
    const catRef: number[] = [];
    for (let n = 0; n < 2; n++) catRef.push(...av.slice(n * 6, n * 6 + 6), ...bv.slice(n * 3, n * 3 + 3));
    expectClose(out[cat.name].data as Float32Array, catRef);
    const projRef: number[] = [];
    for (let n = 0; n < 2; n++) {
      const row = [0, 1, 2].flatMap((j) => [0, 1, 2].map((i) => catRef[n * 9 + i * 3 + j])); // transposed (3,3)
      for (let k = 0; k < 2; k++) projRef.push(row.reduce((s, v, r) => s + v * ((r * 2 + k) % 3), 0));
    }
    expectClose(out[proj.name].data as Float32Array, projRef, 1e-4);
  });

  it('writes every attribute type (int, ints, float, floats, string, tensor)', () => {
    const g = new GraphBuilder('attrs');
    const x = g.input('x', 'float32', [1, 4]);
    g.output(g.node('LeakyRelu', [x], { alpha: 1 }));
    const shape = g.node('ConstantOfShape', [g.int64s([2, 2])], { value: makeTensor('', new Float32Array([0.5]), [1]) });
    g.output(shape, 'float32', [null, null]);
    g.output(g.node('Clip', [x, '', ''], { ints_test: [1, 2], floats_test: attr.floats([1, 2]), s_test: 'text', f_test: attr.float(2) }, { domain: 'test.domain' }), 'float32', [1, 4]);
    const m = g.build({ opsets: { 'test.domain': 1 } });
    const [leaky, cos, clip] = m.graph.node;
    const A = (name: string, n = clip) => n.attribute.find((a) => a.name === name)!;
    expect(leaky.attribute[0].type).toBe(1); // FLOAT even though 1 is whole: alpha is float-typed
    expect(A('ints_test').type).toBe(7);
    expect(A('floats_test').type).toBe(6);
    expect(A('s_test').type).toBe(3);
    expect(A('f_test').type).toBe(1);
    expect(cos.attribute[0].type).toBe(4);
    expect(m.opsetImport.map((o) => o.domain)).toEqual(['', 'test.domain']);
  });

  it('rejects shapes that do not fit, naming the node, before onnxruntime sees them', () => {
    const g = new GraphBuilder('bad');
    const x = g.input('x', 'float32', ['N', 3, 8, 8]);
    const w = g.initializer('w', Float32Array, [4, 2, 3, 3]);
    const e = thrown(() => g.node('Conv', [x, w], {}, { name: 'conv1' }));
    expect(isSquintError(e, 'MODEL_SHAPE')).toBe(true);
    expect((e as Error).message).toMatch(/conv1.*3 channels/);
    expect(isSquintError(thrown(() => g.node('Relu', ['nope'])), 'INVALID_ARGUMENT')).toBe(true);
    expect(isSquintError(thrown(() => g.initializer('x', Float32Array, [1])), 'INVALID_ARGUMENT')).toBe(true);
    expect(isSquintError(thrown(() => g.initializer('short', new Float32Array(3), [2, 2])), 'INVALID_ARGUMENT')).toBe(true);
    const y = g.node('Relu', [x]);
    expect(isSquintError(thrown(() => g.output(y, 'float32', ['N', 3, 8, 9])), 'MODEL_SHAPE')).toBe(true);
  });

  it('re-infers output shapes when the model is written for another opset', () => {
    const g = new GraphBuilder('sq');
    const x = g.input('x', 'float32', [2, 1, 5]);
    g.output(g.node('Squeeze', [x, g.int64s([1])]));
    const m = g.build({ opset: 13 });
    expect(valueInfoShape(m.graph.output[0])).toEqual([2, 5]);
    expect(inferShapes(m).get(m.graph.output[0].name)?.shape).toEqual([2, 5]);
  });
});
