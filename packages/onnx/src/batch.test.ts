import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { makeBatchDynamic, makeModelBatchDynamic } from './batch';
import { readModel } from './model-io';
import { valueInfoShape } from './value-info';

const require = createRequire(import.meta.url);
const FR_FEATURE = require.resolve('faceplugin-face-recognition-js/model/fr_feature.onnx');
const FACE = 3 * 112 * 112;

function seeded(seed: number, length: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

describe('makeBatchDynamic', () => {
  const original = new Uint8Array(readFileSync(FR_FEATURE));

  it('makes the interface symbolic and rewrites the Reshape that froze batch 1', () => {
    const model = readModel(original);
    const report = makeModelBatchDynamic(model, { dimName: 'batch' });
    expect(report.values).toEqual(['input', 'output']);
    expect(report.reshapes).toHaveLength(1);
    expect(valueInfoShape(model.graph.input[0])).toEqual(['batch', 3, 112, 112]);
    expect(valueInfoShape(model.graph.output[0])).toEqual(['batch', 512]);
  });

  it('runs a batch of 4 whose rows equal the batch-1 embeddings of the same faces', async () => {
    const dynamic = await ort.InferenceSession.create(makeBatchDynamic(original));
    const single = await ort.InferenceSession.create(original);
    const faces = [0, 1, 2, 3].map((i) => seeded(100 + i, FACE));
    const batch = new Float32Array(4 * FACE);
    faces.forEach((f, i) => batch.set(f, i * FACE));

    const out = await dynamic.run({ input: new ort.Tensor('float32', batch, [4, 3, 112, 112]) });
    expect(out.output.dims).toEqual([4, 512]);
    const rows = out.output.data as Float32Array;
    for (let i = 0; i < 4; i++) {
      const ref = (await single.run({ input: new ort.Tensor('float32', faces[i], [1, 3, 112, 112]) })).output.data as Float32Array;
      let maxDiff = 0;
      for (let j = 0; j < 512; j++) maxDiff = Math.max(maxDiff, Math.abs(rows[i * 512 + j] - ref[j]));
      expect(maxDiff).toBeLessThan(1e-4);
    }
    // Different faces must give different rows, or the comparison above proves nothing.
    expect(Math.abs(rows[0] - rows[512])).toBeGreaterThan(1e-6);
  });

  it('leaves an already dynamic model unchanged', () => {
    const once = readModel(makeBatchDynamic(original));
    const report = makeModelBatchDynamic(once);
    expect(report).toEqual({ values: [], reshapes: [] });
  });
});
