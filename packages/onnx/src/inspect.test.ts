import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { makeBatchDynamic } from './batch';
import { GraphBuilder } from './graph-builder';
import { inputSpecs, inspect, summary } from './inspect';
import { readModel } from './model-io';

const require = createRequire(import.meta.url);
const FR_FEATURE = require.resolve('faceplugin-face-recognition-js/model/fr_feature.onnx');

describe('inspect', () => {
  it('summarises fr_feature.onnx: interface, op counts and parameters', () => {
    const s = inspect(readModel(new Uint8Array(readFileSync(FR_FEATURE))));
    expect(s.inputs).toEqual([{ name: 'input', dataType: 'float32', shape: [1, 3, 112, 112] }]);
    expect(s.outputs).toEqual([{ name: 'output', dataType: 'float32', shape: [1, 512] }]);
    expect(s.opCounts).toEqual({ Conv: 50, PRelu: 33, Add: 12, Reshape: 1 });
    expect(s.nodeCount).toBe(96);
    expect(s.opset).toBe(9);
    expect(s.producer).toBe('pytorch 1.10');
    expect(s.parameterCount).toBeGreaterThan(1_150_000);
    expect(s.parameterCount).toBeLessThan(1_250_000);
    expect(s.initializerBytes).toBe(s.parameterCount * 4 + 16); // float32 weights + the int64[2] reshape shape
  });

  it('reports the expected input of a dynamic model as a core InputSpec and prints a summary', () => {
    const m = readModel(makeBatchDynamic(new Uint8Array(readFileSync(FR_FEATURE))));
    expect(inputSpecs(m)).toEqual([{ name: 'input', dims: [null, 3, 112, 112] }]);
    const text = summary(m);
    expect(text).toContain('input: float32 [N,3,112,112]');
    expect(text).toContain('output: float32 [N,512]');
    expect(text).toContain('96 nodes: Conv 50, PRelu 33, Add 12, Reshape 1');
  });

  it('counts only floating-point initializers as parameters', () => {
    const g = new GraphBuilder('p');
    const x = g.input('x', 'float32', [2, 6]);
    g.output(g.node('Reshape', [g.node('Add', [x, g.initializer('b', new Float32Array(6), [6])]), g.int64s([3, 4])]));
    const s = inspect(g.build());
    expect(s.parameterCount).toBe(6);
    expect(s.initializerBytes).toBe(6 * 4 + 2 * 8);
    expect(s.outputs[0].shape).toEqual([3, 4]);
  });
});
