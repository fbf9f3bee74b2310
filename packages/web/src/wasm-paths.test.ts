import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isSquintError } from '@squint/core';
import { createWebRuntime } from './web-runtime';
import { FR_FEATURE_PATH } from './browser-fixture/fr-feature-input';

// A file of its own: onnxruntime-web starts its wasm once per process (vitest gives each test
// file its own), and a failed start cannot be retried.
describe('wasmPaths', () => {
  it('says that the backend did not start when its files are not where wasmPaths points', async () => {
    const model = readFileSync(createRequire(import.meta.url).resolve(FR_FEATURE_PATH));
    const runtime = await createWebRuntime({ executionProviders: ['wasm'], wasmPaths: 'http://127.0.0.1:9/no-ort/' });
    let error: unknown;
    try {
      await runtime.createSession(model, { label: 'fr_feature' });
    } catch (e) {
      error = e;
    }
    expect(isSquintError(error, 'MODEL_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/^fr_feature: onnxruntime-web \(wasm\) could not load the model: .*backend did not start; serve ort-wasm-simd-threaded\.jsep\.mjs/s);
  });
});
