import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SquintError, checkModelInputs } from '@squint/core';
import { createNodeRuntime } from './node-runtime';
import { failure } from './expect-failure.fixture';

const require = createRequire(import.meta.url);
const FR_FEATURE = join(dirname(require.resolve('faceplugin-face-recognition-js/package.json')), 'model', 'fr_feature.onnx');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squint-node-runtime-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});


/** A deterministic pseudo-face input: (x - 127) / 128 of a smooth pattern. */
function input(runtime: ReturnType<typeof createNodeRuntime>) {
  const data = new Float32Array(3 * 112 * 112);
  for (let i = 0; i < data.length; i++) data[i] = (((i * 37) % 256) - 127) / 128;
  return runtime.tensor('float32', data, [1, 3, 112, 112]);
}

describe('createNodeRuntime sessions', () => {
  const runtime = createNodeRuntime({ threads: 1 });

  it('loads fr_feature.onnx from a path and returns a 512-d embedding', async () => {
    const session = await runtime.createSession(FR_FEATURE);
    try {
      expect(session.label).toBe(FR_FEATURE);
      expect(session.inputNames).toEqual(['input']);
      expect(session.outputNames).toEqual(['output']);
      expect(session.inputMetadata[0]).toMatchObject({ name: 'input', isTensor: true, shape: [1, 3, 112, 112] });
      expect(session.outputMetadata[0]).toMatchObject({ name: 'output', isTensor: true, shape: [1, 512] });
      const out = (await session.run({ input: input(runtime) })).output;
      expect(out.dims).toEqual([1, 512]);
      const values = out.data as Float32Array;
      expect(values).toBeInstanceOf(Float32Array);
      expect(values.length).toBe(512);
      expect(values.every(Number.isFinite)).toBe(true);
      expect(values.some((v) => v !== 0)).toBe(true);
    } finally {
      await session.release();
    }
  });

  it('gives the same embedding from bytes, an ArrayBuffer and a file: URL', async () => {
    const bytes = new Uint8Array(await readFile(FR_FEATURE));
    const sources = [FR_FEATURE, bytes, bytes.slice().buffer, pathToFileURL(FR_FEATURE), pathToFileURL(FR_FEATURE).href];
    const outputs: Float32Array[] = [];
    for (const source of sources) {
      const session = await runtime.createSession(source, { label: 'fr_feature' });
      expect(session.label).toBe('fr_feature');
      outputs.push((await session.run({ input: input(runtime) })).output.data as Float32Array);
      await session.release();
    }
    for (const out of outputs.slice(1)) expect(Array.from(out)).toEqual(Array.from(outputs[0]));
  });

  it('rejects bytes that are not ONNX as MODEL_INVALID with the label', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#888' } }).png().toBuffer();
    const e = await failure(runtime.createSession(png, { label: 'my-model' }));
    expect([e.code, e.input]).toEqual(['MODEL_INVALID', 'my-model']);
    expect(e.message).toMatch(/cannot load/);

    const path = join(dir, 'not-a-model.onnx');
    await writeFile(path, 'definitely not protobuf');
    const e2 = await failure(runtime.createSession(path));
    expect([e2.code, e2.input]).toEqual(['MODEL_INVALID', path]);
  });

  it('reports a missing model file as MODEL_INVALID naming the path', async () => {
    const path = join(dir, 'models', 'missing.onnx');
    const e = await failure(runtime.createSession(path));
    expect([e.code, e.input]).toEqual(['MODEL_INVALID', path]);
    expect(e.message).toMatch(/model file not found/);
    expect(e.message).toContain(path);
  });

  it('rejects empty models, folders and remote URLs up front', async () => {
    expect((await failure(runtime.createSession(new Uint8Array(0)))).message).toMatch(/empty/);
    const empty = join(dir, 'empty.onnx');
    await writeFile(empty, new Uint8Array(0));
    expect((await failure(runtime.createSession(empty))).message).toMatch(/empty/);
    expect((await failure(runtime.createSession(dir))).message).toMatch(/not a file/);
    expect((await failure(runtime.createSession('https://example.com/m.onnx'))).code).toBe('MODEL_INVALID');
  });

  it('lets checkModelInputs catch a model of the wrong shape', async () => {
    const session = await runtime.createSession(FR_FEATURE, { label: 'fr_feature' });
    try {
      expect(() => checkModelInputs(session, [{ name: 'input', dims: [null, 3, 112, 112] }])).not.toThrow();
      let err: unknown;
      try {
        checkModelInputs(session, [{ name: 'input', dims: [1, 3, 224, 224] }]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SquintError);
      expect((err as SquintError).code).toBe('MODEL_SHAPE');
      expect((err as SquintError).input).toBe('fr_feature');
    } finally {
      await session.release();
    }
  });
});

describe('createNodeRuntime options', () => {
  it('builds onnxruntime-node tensors', () => {
    const runtime = createNodeRuntime();
    const t = runtime.tensor('int64', new BigInt64Array([1n, 2n]), [2]);
    expect([t.type, t.dims, Array.from(t.data as BigInt64Array)]).toEqual(['int64', [2], [1n, 2n]]);
    expect(runtime.name).toBe('onnxruntime-node');
  });

  it('applies its pixel limit to loadImage', async () => {
    const png = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#123456' } }).png().toBuffer();
    const small = createNodeRuntime({ pixelLimit: 1000 });
    expect(small.pixelLimit).toBe(1000);
    expect((await failure(small.loadImage(png, 'square'))).code).toBe('IMAGE_TOO_LARGE');
    const img = await createNodeRuntime().loadImage(png);
    expect([img.width, img.height, img.data[0], img.data[1], img.data[2]]).toEqual([50, 50, 0x12, 0x34, 0x56]);
  });

  it('rejects nonsensical options', () => {
    expect(() => createNodeRuntime({ threads: -1 })).toThrow(SquintError);
    expect(() => createNodeRuntime({ threads: 1.5 })).toThrow(/threads/);
    expect(() => createNodeRuntime({ pixelLimit: 0 })).toThrow(/pixelLimit/);
  });
});
