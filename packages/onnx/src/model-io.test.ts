import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isSquintError } from '@squint/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { readModel, writeModel } from './model-io';

const require = createRequire(import.meta.url);
const FR_FEATURE = require.resolve('faceplugin-face-recognition-js/model/fr_feature.onnx');
const JPEG = require.resolve('@vladmandic/face-api/demo/sample1.jpg');

function seededInput(seed: number, length: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

async function embed(bytes: Uint8Array, input: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ input: new ort.Tensor('float32', input, [1, 3, 112, 112]) });
  return out.output.data as Float32Array;
}

describe('readModel / writeModel', () => {
  it('reads fr_feature.onnx and re-encodes it into a model that gives identical outputs', async () => {
    const bytes = new Uint8Array(readFileSync(FR_FEATURE));
    const model = readModel(bytes, 'fr_feature.onnx');
    expect(model.graph.input.map((i) => i.name)).toEqual(['input']);
    expect(model.graph.output.map((o) => o.name)).toEqual(['output']);
    expect(model.graph.node.length).toBe(96);

    const rewritten = writeModel(model);
    expect(readModel(rewritten).graph.initializer.length).toBe(model.graph.initializer.length);
    const x = seededInput(7, 3 * 112 * 112);
    const [a, b] = [await embed(bytes, x), await embed(rewritten, x)];
    expect(a.length).toBe(512);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it.each([
    ['empty bytes', new Uint8Array(0)],
    ['random bytes', seededInput(3, 4096).map((v) => Math.floor((v + 1) * 128)).reduce((u, v, i) => ((u[i] = v), u), new Uint8Array(4096))],
    ['a JPEG', new Uint8Array(readFileSync(JPEG))],
    ['a text file', new TextEncoder().encode('{"not": "onnx"}\n')],
  ])('rejects %s with MODEL_INVALID naming the label', (_what, bytes) => {
    let error: unknown;
    try {
      readModel(bytes, 'upload.onnx');
    } catch (e) {
      error = e;
    }
    expect(isSquintError(error, 'MODEL_INVALID')).toBe(true);
    expect((error as Error).message).toContain('upload.onnx');
  });
});
