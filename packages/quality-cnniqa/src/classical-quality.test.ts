import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { resize, type AlignedFace, type RgbImage } from '@squint/core';
import { loadImage } from '@squint/node';
import { createClassicalQuality } from './classical-quality';

const require = createRequire(import.meta.url);
const sample = (i: number) => require.resolve(`@vladmandic/face-api/demo/sample${i}.jpg`);

/** Central square of an npm-shipped photo at 112 px: a stand-in for an HR aligned crop. */
async function hrCrop(i: number): Promise<RgbImage> {
  const img = await loadImage(sample(i));
  const s = Math.min(img.width, img.height);
  const x0 = (img.width - s) >> 1, y0 = (img.height - s) >> 1;
  const data = new Uint8Array(s * s * 3);
  for (let y = 0; y < s; y++) data.set(img.data.subarray(((y + y0) * img.width + x0) * 3, ((y + y0) * img.width + x0 + s) * 3), y * s * 3);
  return resize({ width: s, height: s, data }, 112, 112, 'area');
}

const face = (image: RgbImage): AlignedFace => ({ image, alignment: 'given', sourceIndex: 0 });

/** Seeded additive noise with the given std (uniform, clipped to 0..255). */
function addNoise(img: RgbImage, std: number, seed = 1): RgbImage {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const amp = std * Math.sqrt(3);
  return { ...img, data: img.data.map((v) => Math.max(0, Math.min(255, Math.round(v + (rand() * 2 - 1) * amp)))) };
}

describe('classical quality', () => {
  const q = createClassicalQuality();

  it('falls with the native face size and stays in [0, 1]', async () => {
    for (const i of [1, 3, 5]) {
      const hr = await hrCrop(i);
      const sizes = [112, 56, 24, 16, 12];
      const scores = await q.estimate(sizes.map((n) => face(resize(hr, n, n, 'bicubic'))));
      for (const v of scores) expect(v).toBeGreaterThanOrEqual(0), expect(v).toBeLessThanOrEqual(1);
      for (let k = 1; k < scores.length; k++) expect(scores[k]).toBeLessThan(scores[k - 1]);
      expect(scores[0]).toBeGreaterThan(0.8);
      expect(scores[4]).toBeLessThan(0.4);
    }
  });

  it('scores a 112 px upsample of a 16 px face far below a true 112 px face', async () => {
    const hr = await hrCrop(2);
    const up = resize(resize(hr, 16, 16, 'bicubic'), 112, 112, 'bicubic');
    const [sharp, blurred] = await q.estimate([face(hr), face(up)]);
    expect(blurred).toBeLessThan(sharp * 0.75);
    expect(q.terms(face(up)).sharpness).toBeLessThan(0.3);
    expect(q.terms(face(up)).size).toBe(1);
  });

  it('penalises noise', async () => {
    const hr = await hrCrop(4);
    const noisy = addNoise(hr, 25);
    const t0 = q.terms(face(hr)), t1 = q.terms(face(noisy));
    expect(t1.noiseSigma).toBeGreaterThan(t0.noiseSigma + 10);
    expect(t1.noise).toBeLessThan(t0.noise);
    const [a, b] = await q.estimate([face(hr), face(noisy)]);
    expect(b).toBeLessThan(a);
  });

  it('gives 0 to a flat or degenerate crop instead of NaN', async () => {
    const flat = { width: 40, height: 40, data: new Uint8Array(40 * 40 * 3).fill(128) };
    const dot = { width: 2, height: 2, data: new Uint8Array(12).fill(200) };
    const [a, b] = await q.estimate([face(flat), face(dot)]);
    expect(a).toBe(0);
    expect(b).toBe(0);
  });
});
