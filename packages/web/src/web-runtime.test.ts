import { afterEach, describe, it, expect, vi } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { createNodeRuntime } from '@squint/node';
import { SquintError, cosine } from '@squint/core';
import { createWebRuntime } from './web-runtime';
import { frFeatureInput, FR_FEATURE_PATH } from './browser-fixture/fr-feature-input';

// `import 'onnxruntime-web'` resolves to its Node build here, whose wasm backend is the same
// engine the browser runs, so sessions, tensors and the WebGPU fallback are testable in Node.
const require = createRequire(import.meta.url);
const modelBytes = readFileSync(require.resolve(FR_FEATURE_PATH));
const samplePath = require.resolve('@vladmandic/face-api/demo/sample1.jpg');

async function faceRgb() {
  const { data, info } = await sharp(samplePath)
    .extract({ left: 405, top: 360, width: 220, height: 220 })
    .resize(112, 112)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

async function errorOf(p: Promise<unknown>): Promise<SquintError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SquintError) return e;
    throw e;
  }
  throw new Error('expected a SquintError');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createWebRuntime options', () => {
  it('uses wasm without WebGPU and says why', async () => {
    const runtime = await createWebRuntime();
    expect(runtime.name).toBe('onnxruntime-web/wasm');
    expect(runtime.executionProvider).toBe('wasm');
    expect(runtime.fallbackReason).toMatch(/navigator\.gpu is absent/);
    const d = runtime.diagnostics();
    expect(d.crossOriginIsolated).toBe(false);
    expect(d.fallbackReason).toBe(runtime.fallbackReason);
    expect(d.onnxruntimeWeb).toBe('1.31.1');
  });

  it('records no fallback when wasm was asked for', async () => {
    const runtime = await createWebRuntime({ executionProviders: ['wasm'] });
    expect(runtime.name).toBe('onnxruntime-web/wasm');
    expect(runtime.fallbackReason).toBeUndefined();
  });

  it('treats a null adapter as no WebGPU', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    const runtime = await createWebRuntime();
    expect(runtime.name).toBe('onnxruntime-web/wasm');
    expect(runtime.fallbackReason).toMatch(/requestAdapter\(\) returned null/);
  });

  it('refuses WebGPU-only when there is no adapter', async () => {
    const e = await errorOf(createWebRuntime({ executionProviders: ['webgpu'] }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/add 'wasm'/);
  });

  it('validates its options', async () => {
    expect((await errorOf(createWebRuntime({ threads: 0 }))).message).toMatch(/threads must be a positive integer, got 0/);
    expect((await errorOf(createWebRuntime({ executionProviders: [] }))).code).toBe('INVALID_ARGUMENT');
    expect((await errorOf(createWebRuntime({ executionProviders: ['webgl' as 'wasm'] }))).message).toMatch(/unknown execution provider "webgl"/);
    expect((await errorOf(createWebRuntime({ pixelLimit: 0 }))).code).toBe('INVALID_ARGUMENT');
  });

  it('applies pixelLimit to loadImage', async () => {
    const runtime = await createWebRuntime({ executionProviders: ['wasm'], pixelLimit: 10 });
    const e = await errorOf(runtime.loadImage({ width: 4, height: 4, data: new Uint8Array(64) }, 'tiny'));
    expect(e.code).toBe('IMAGE_TOO_LARGE');
    expect(e.input).toBe('tiny');
  });
});

describe('web runtime sessions (onnxruntime-web wasm in Node)', () => {
  it('computes the same embedding as @squint/node (onnxruntime-node)', async () => {
    const runtime = await createWebRuntime({ executionProviders: ['wasm'] });
    const session = await runtime.createSession(modelBytes, { label: 'fr_feature' });
    expect(session.label).toBe('fr_feature');
    expect(session.executionProvider).toBe('wasm');
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['output']);
    expect(session.inputMetadata[0]).toMatchObject({ isTensor: true, type: 'float32', shape: [1, 3, 112, 112] });

    const input = frFeatureInput(await faceRgb());
    const web = (await session.run({ input: runtime.tensor('float32', input, [1, 3, 112, 112]) })).output;
    expect(web.dims).toEqual([1, 512]);

    const nodeRuntime = createNodeRuntime();
    const nodeSession = await nodeRuntime.createSession(modelBytes, { label: 'fr_feature' });
    const node = (await nodeSession.run({ input: nodeRuntime.tensor('float32', input, [1, 3, 112, 112]) })).output;
    const sim = cosine(web.data as Float32Array, node.data as Float32Array);
    expect(sim).toBeGreaterThan(0.9999);
    // A different face must not match that well: the comparison has teeth.
    const other = (await session.run({ input: runtime.tensor('float32', input.map((v) => -v), [1, 3, 112, 112]) })).output;
    expect(cosine(other.data as Float32Array, node.data as Float32Array)).toBeLessThan(0.9);

    expect(typeof runtime.diagnostics().wasmThreads).toBe('number');
    await session.release();
    await nodeSession.release();
  });

  it('reports a bad feed as MODEL_SHAPE with the expected inputs', async () => {
    const runtime = await createWebRuntime({ executionProviders: ['wasm'] });
    const session = await runtime.createSession(modelBytes, { label: 'fr_feature' });
    const e = await errorOf(session.run({ input: runtime.tensor('float32', new Float32Array(3 * 64 * 64), [1, 3, 64, 64]) }));
    expect(e.code).toBe('MODEL_SHAPE');
    expect(e.message).toMatch(/^fr_feature: .*input float32 \[1,3,112,112\]$/s);
    await session.release();
  });

  it('makes int64 tensors', async () => {
    const runtime = await createWebRuntime({ executionProviders: ['wasm'] });
    const t = runtime.tensor('int64', new BigInt64Array([1n, 2n]), [2]);
    expect(t.type).toBe('int64');
    expect(t.dims).toEqual([2]);
  });

  it('wraps unreadable models as MODEL_INVALID naming them', async () => {
    const runtime = await createWebRuntime({ executionProviders: ['wasm'] });
    const garbage = await errorOf(runtime.createSession(new Uint8Array([1, 2, 3, 4]), { label: 'broken.onnx' }));
    expect(garbage.code).toBe('MODEL_INVALID');
    expect(garbage.message).toMatch(/^broken\.onnx: onnxruntime-web \(wasm\) could not load the model/);
    const empty = await errorOf(runtime.createSession(new ArrayBuffer(0)));
    expect(empty.code).toBe('MODEL_INVALID');
    expect(empty.message).toMatch(/empty/);
    const unreachable = await errorOf(runtime.createSession('http://127.0.0.1:9/m.onnx'));
    expect(unreachable.code).toBe('MODEL_INVALID');
    expect(unreachable.input).toBe('http://127.0.0.1:9/m.onnx');
  });

  it('loads a model from a URL, and reports HTTP errors', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/fr_feature.onnx') res.end(modelBytes);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const runtime = await createWebRuntime({ executionProviders: ['wasm'] });
      const session = await runtime.createSession(new URL('/fr_feature.onnx', base));
      expect(session.outputNames).toEqual(['output']);
      await session.release();
      const missing = await errorOf(runtime.createSession(`${base}/nope.onnx`));
      expect(missing.code).toBe('MODEL_INVALID');
      expect(missing.message).toMatch(/HTTP 404/);
    } finally {
      server.close();
    }
  });

  it('falls back to wasm when a WebGPU session cannot be made, and says why', async () => {
    // An adapter is offered, but onnxruntime-web's Node build has no WebGPU backend: the session
    // fails the way it does in a browser whose GPU cannot run the model.
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ info: { vendor: 'test', isFallbackAdapter: false } }) } });
    const runtime = await createWebRuntime();
    expect(runtime.name).toBe('onnxruntime-web/webgpu');
    expect(runtime.diagnostics().webgpuAdapter).toMatchObject({ vendor: 'test' });
    const session = await runtime.createSession(modelBytes, { label: 'fr_feature' });
    expect(session.executionProvider).toBe('wasm');
    expect(runtime.name).toBe('onnxruntime-web/wasm');
    expect(runtime.fallbackReason).toMatch(/^WebGPU could not create a session for fr_feature \(.*webgpu.*\); using wasm/);
    await session.release();
  });

  it('does not blame WebGPU for a broken model', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({}) } });
    const runtime = await createWebRuntime();
    const e = await errorOf(runtime.createSession(new Uint8Array([9, 9, 9]), { label: 'broken.onnx' }));
    expect(e.code).toBe('MODEL_INVALID');
    expect(runtime.name).toBe('onnxruntime-web/webgpu');
    expect(runtime.fallbackReason).toBeUndefined();
  });
});
