import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { isSquintError, type RgbImage } from '@squint/core';
import { buildCnnIqaGraph, inputTransform, type InputRange } from './cnniqa-graph';
import { randomCnnIqaWeights, readCnnIqaWeights, type CnnIqaVariant } from './cnniqa-weights';
import { writeSafetensors, type WeightMap } from './safetensors';

// ---- An independent, deliberately plain JS computation of CNN-IQA, written from the papers' ----
// ---- description (float64, nested loops), to check the ONNX graph against.                  ----

function conv7Head(planes: Float64Array[], h: number, w: number, W: WeightMap): number {
  const k = 7, oh = h - k + 1, ow = w - k + 1, cin = planes.length;
  const cw = W['conv1.weight'].data, cb = W['conv1.bias'].data;
  const feats = new Float64Array(100);
  for (let o = 0; o < 50; o++) {
    let mx = -Infinity, mn = Infinity;
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        let s = cb[o];
        for (let c = 0; c < cin; c++) {
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) s += cw[((o * cin + c) * k + ky) * k + kx] * planes[c][(y + ky) * w + x + kx];
          }
        }
        mx = Math.max(mx, s);
        mn = Math.min(mn, s);
      }
    }
    feats[o] = mx;
    feats[50 + o] = mn;
  }
  const fc = (inp: Float64Array, name: string, relu: boolean) => {
    const wt = W[`${name}.weight`], b = W[`${name}.bias`].data;
    const [outN, inN] = wt.shape;
    const out = new Float64Array(outN);
    for (let i = 0; i < outN; i++) {
      let s = b[i];
      for (let j = 0; j < inN; j++) s += wt.data[i * inN + j] * inp[j];
      out[i] = relu ? Math.max(0, s) : s;
    }
    return out;
  };
  return fc(fc(fc(feats, 'fc1', true), 'fc2', true), 'fc3', false)[0];
}

/** Local contrast normalisation: 3x3 window, edge-replicated at the patch border, (x - mu) / (sigma + 1). */
function lcn(p: Float64Array, n: number): Float64Array {
  const at = (y: number, x: number) => p[Math.min(n - 1, Math.max(0, y)) * n + Math.min(n - 1, Math.max(0, x))];
  const out = new Float64Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let s = 0, s2 = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) { const v = at(y + dy, x + dx); s += v; s2 += v * v; }
      const mu = s / 9;
      const sigma = Math.sqrt(Math.max(0, s2 / 9 - mu * mu));
      out[y * n + x] = (p[y * n + x] - mu) / (sigma + 1);
    }
  }
  return out;
}

function referenceScore(variant: CnnIqaVariant, W: WeightMap, img: RgbImage, scale: number, shift: number): number {
  const { width: w, height: h, data } = img;
  const planes = [0, 1, 2].map((c) => Float64Array.from({ length: w * h }, (_, i) => data[i * 3 + c] * scale + shift));
  if (variant === 'pyiqa') return conv7Head(planes, h, w, W);
  const gray = Float64Array.from({ length: w * h }, (_, i) => 0.299 * planes[0][i] + 0.587 * planes[1][i] + 0.114 * planes[2][i]);
  const scores: number[] = [];
  for (let py = 0; py + 32 <= h; py += 32) {
    for (let px = 0; px + 32 <= w; px += 32) {
      const patch = new Float64Array(32 * 32);
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) patch[y * 32 + x] = gray[(py + y) * w + px + x];
      scores.push(conv7Head([lcn(patch, 32)], 32, 32, W));
    }
  }
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

// ---- helpers ----

function randomImage(width: number, height: number, seed: number): RgbImage {
  let s = seed;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  // Smooth gradients plus texture, so that local contrast normalisation sees both flat and busy areas.
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const base = 128 + 80 * Math.sin((x + 3 * c) / 5) * Math.cos(y / 7);
        data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(base + (rand() - 0.5) * 60)));
      }
    }
  }
  return { width, height, data };
}

function toPlanar(images: RgbImage[]): Float32Array {
  const { width: w, height: h } = images[0];
  const out = new Float32Array(images.length * 3 * w * h);
  images.forEach((img, b) => {
    for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) out[(b * 3 + c) * w * h + i] = img.data[i * 3 + c];
  });
  return out;
}

/**
 * PyTorch's init scale gives near-constant scores (differences ~1e-4, the tolerance itself); larger
 * conv and output weights make scores differ by far more than the tolerance, so a wrong graph shows.
 */
function lively(W: WeightMap): WeightMap {
  const times = (name: string, k: number) => ({ ...W[name], data: W[name].data.map((v) => v * k) });
  return { ...W, 'conv1.weight': times('conv1.weight', 4), 'fc3.weight': times('fc3.weight', 50) };
}

async function runGraph(model: Uint8Array, images: RgbImage[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  const { width: w, height: h } = images[0];
  const out = await session.run({ image: new ort.Tensor('float32', toPlanar(images), [images.length, 3, h, w]) });
  await session.release();
  expect(out.score.dims).toEqual([images.length]);
  return out.score.data as Float32Array;
}

describe('CNN-IQA graph vs a plain JS reference', () => {
  const cases: [CnnIqaVariant, InputRange, number, number][] = [
    ['kang', '[0,1]', 70, 45], // 2x1 patches, remainder cropped
    ['kang', '[-1,1]', 64, 64],
    ['pyiqa', '[0,1]', 23, 17],
    ['pyiqa', '[-1,1]', 16, 16],
    ['pyiqa', '[0,255]', 12, 9],
  ];
  for (const [variant, range, w, h] of cases) {
    it(`${variant}, input ${range}, ${w}x${h}, batch of 3`, async () => {
      const W = lively(randomCnnIqaWeights(variant, 42));
      const images = [1, 2, 3].map((s) => randomImage(w, h, s));
      const got = await runGraph(buildCnnIqaGraph(W, { variant, inputRange: range }), images);
      const { scale, shift } = inputTransform(range);
      const want = images.map((img) => referenceScore(variant, W, img, scale, shift));
      // 1e-4 absolute, relative for scores above 1 (float32 keeps ~7 digits: the [0,255] range gives scores in the hundreds).
      for (let i = 0; i < 3; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[i])));
      // Scores must differ between images, or the comparison would prove little.
      expect(Math.max(Math.abs(want[0] - want[1]), Math.abs(want[1] - want[2]))).toBeGreaterThan(1e-2);
    });
  }

  it('negates the output when asked (LIVE-trained kang weights predict DMOS: higher = worse)', async () => {
    const W = randomCnnIqaWeights('pyiqa', 7);
    const img = [randomImage(12, 12, 9)];
    const [a] = await runGraph(buildCnnIqaGraph(W, { variant: 'pyiqa' }), img);
    const [b] = await runGraph(buildCnnIqaGraph(W, { variant: 'pyiqa', negate: true }), img);
    expect(b).toBeCloseTo(-a, 6);
  });

  it('takes weights through safetensors and refuses the other variant\'s file', () => {
    const bytes = writeSafetensors(randomCnnIqaWeights('pyiqa', 1));
    expect(Object.keys(readCnnIqaWeights(bytes, 'pyiqa', 'p.safetensors'))).toHaveLength(8);
    try {
      readCnnIqaWeights(bytes, 'kang', 'p.safetensors');
      throw new Error('should have thrown');
    } catch (e) {
      expect(isSquintError(e, 'WEIGHTS_INVALID')).toBe(true);
      expect((e as Error).message).toContain('p.safetensors');
      expect((e as Error).message).toContain('"conv1.weight" has shape [50,3,7,7], expected [50,1,7,7]');
    }
  });

  it('refuses weights with wrong shapes when building', () => {
    const W = randomCnnIqaWeights('kang', 1);
    W['fc2.weight'] = { shape: [800, 799], data: new Float32Array(800 * 799) };
    expect(() => buildCnnIqaGraph(W, { variant: 'kang' })).toThrow(/fc2\.weight.*\[800,799\].*\[800,800\]/);
  });
});
