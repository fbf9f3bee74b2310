import * as tf from '@tensorflow/tfjs';
import { isSquintError } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTfjsModelDir, upscalerjsModelDir, type TfjsModelFiles } from '../scripts/tfjs-model-files';
import { convertTfjsLayersModel, hwioToOihw } from './esrgan-converter';

const runtime = createNodeRuntime({ threads: 2 });

/** Loads the original model in TF.js (CPU backend) straight from the files in memory. */
async function loadInTfjs(files: TfjsModelFiles): Promise<tf.LayersModel> {
  const { model, weights } = files;
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: model.modelTopology as unknown as tf.io.ModelJSON['modelTopology'],
    weightSpecs: model.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
  }));
}

/** Deterministic pseudo-random 0-255 input (NHWC), so failures reproduce. */
function randomImage(h: number, w: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: h * w * 3 }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 255;
  });
}

async function parity(variant: 'slim' | 'medium', scale: number, h: number, w: number): Promise<number> {
  const files = readTfjsModelDir(upscalerjsModelDir(variant, scale));
  const onnx = convertTfjsLayersModel(files.model, files.weights, { label: `esrgan-${variant}-x${scale}` });
  const session = await runtime.createSession(onnx);
  const nhwc = randomImage(h, w, 42 + scale);
  const nchw = new Float32Array(nhwc.length);
  for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) nchw[c * h * w + i] = nhwc[i * 3 + c];
  const y = (await session.run({ input: runtime.tensor('float32', nchw, [1, 3, h, w]) })).output;
  expect(y.dims).toEqual([1, 3, h * scale, w * scale]);
  const model = await loadInTfjs(files);
  const ref = (model.predict(tf.tensor4d(nhwc, [1, h, w, 3])) as tf.Tensor).dataSync();
  const out = y.data as Float32Array;
  const H = h * scale, W = w * scale;
  let maxDiff = 0;
  for (let i = 0; i < H * W; i++) for (let c = 0; c < 3; c++) maxDiff = Math.max(maxDiff, Math.abs(out[c * H * W + i] - ref[i * 3 + c]));
  await session.release();
  model.dispose();
  return maxDiff;
}

describe('convertTfjsLayersModel (UpscalerJS ESRGAN)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('esrgan-slim x4 matches TF.js to 1e-3 on a random 16x16 input', async () => {
    expect(await parity('slim', 4, 16, 16)).toBeLessThan(1e-3);
  });

  it('esrgan-medium x4 matches TF.js to 1e-3 (non-square input: dynamic height and width)', async () => {
    expect(await parity('medium', 4, 12, 20)).toBeLessThan(1e-3);
  });

  it('esrgan-slim x2 matches TF.js to 1e-3', async () => {
    expect(await parity('slim', 2, 16, 16)).toBeLessThan(1e-3);
  });

  it('names the layer when a model uses an unsupported layer', () => {
    const files = readTfjsModelDir(upscalerjsModelDir('slim', 2));
    const model = structuredClone(files.model);
    const layers = model.modelTopology.model_config!.config.layers;
    const up = layers.find((l) => l.class_name === 'UpSampling2D')!;
    up.class_name = 'PixelShuffle2x';
    try {
      convertTfjsLayersModel(model, files.weights, { label: 'broken' });
      expect.unreachable();
    } catch (e) {
      expect(isSquintError(e, 'MODEL_INVALID')).toBe(true);
      expect((e as Error).message).toMatch(/broken: layer "UPsample" \(PixelShuffle2x\)/);
    }
  });

  it('refuses weight data that does not match the manifest', () => {
    const files = readTfjsModelDir(upscalerjsModelDir('slim', 2));
    expect(() => convertTfjsLayersModel(files.model, files.weights.subarray(0, 1000), { label: 'short' }))
      .toThrow(/short: weight data ends at byte 1000/);
  });

  it('transposes HWIO kernels to OIHW', () => {
    // kernel[y][x][i][o] = 1000y + 100x + 10i + o
    const shape = [2, 3, 2, 4];
    const data = new Float32Array(48);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) for (let i = 0; i < 2; i++) for (let o = 0; o < 4; o++) data[((y * 3 + x) * 2 + i) * 4 + o] = 1000 * y + 100 * x + 10 * i + o;
    const t = hwioToOihw({ shape, data });
    // t[o][i][y][x]
    expect(t[((3 * 2 + 1) * 2 + 1) * 3 + 2]).toBe(1000 + 200 + 10 + 3);
    expect(t[((1 * 2 + 0) * 2 + 0) * 3 + 1]).toBe(100 + 1);
  });
});
