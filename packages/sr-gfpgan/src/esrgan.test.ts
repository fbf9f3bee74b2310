import { fileURLToPath } from 'node:url';
import { resize, type RgbImage } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareAssets } from '../scripts/prepare-assets';
import { createResizeUpscaler } from './classical';
import { createEsrgan, esrganAssetUrl } from './esrgan';

const runtime = createNodeRuntime({ threads: 2 });
const SAMPLE = fileURLToPath(new URL('../../../node_modules/@vladmandic/face-api/demo/sample2.jpg', import.meta.url));

function psnr(a: RgbImage, b: RgbImage): number {
  let se = 0;
  for (let i = 0; i < a.data.length; i++) se += (a.data[i] - b.data[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.data.length));
}

/** 112x112 patches of a real photo (shrunk to 448 wide): natural image statistics, as SR was trained for. */
function patches(photo: RgbImage, count: number): RgbImage[] {
  const img = resize(photo, 448, Math.round((448 * photo.height) / photo.width), 'area');
  return Array.from({ length: count }, (_, k) => {
    const x0 = 60 + k * 50, y0 = 60 + (k % 2) * 40;
    const data = new Uint8Array(112 * 112 * 3);
    for (let y = 0; y < 112; y++) data.set(img.data.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + 112) * 3), y * 112 * 3);
    return { width: 112, height: 112, data };
  });
}

/** Mean absolute difference between neighbouring pixels: how much detail an image carries. */
function detail(im: RgbImage): number {
  let g = 0;
  for (let y = 0; y < im.height - 1; y++) {
    for (let x = 0; x < im.width - 1; x++) {
      const i = (y * im.width + x) * 3;
      g += Math.abs(im.data[i] - im.data[i + 3]) + Math.abs(im.data[i] - im.data[i + im.width * 3]);
    }
  }
  return g / (im.width * im.height);
}

describe('createEsrgan', () => {
  beforeAll(async () => {
    await prepareAssets();
  });

  it('loads the converted graphs from the package assets', () => {
    expect(fileURLToPath(esrganAssetUrl('medium', 2))).toMatch(/sr-gfpgan[/\\]assets[/\\]esrgan-medium-x2\.onnx$/);
  });

  // Measured on these patches: PSNR within ~0.5 dB of bicubic (either side), 5-20% more detail.
  it('restores 28 px patches of a photo to 112 px as faithfully as bicubic, with more detail', async () => {
    const photo = await runtime.loadImage(SAMPLE);
    const hr = patches(photo, 6);
    const faces = hr.map((h, i) => ({ image: resize(h, 28, 28, 'area'), alignment: 'given' as const, sourceIndex: i }));
    const esrgan = await createEsrgan(runtime, { variant: 'slim', scale: 4 });
    const bicubic = createResizeUpscaler({ method: 'bicubic', scale: 4 });
    const [sr, bi] = [await esrgan.process(faces), await bicubic.process(faces)];
    expect(sr.every((f) => f.image.width === 112 && f.image.height === 112)).toBe(true);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const pSr = mean(sr.map((f, i) => psnr(f.image, hr[i])));
    const pBi = mean(bi.map((f, i) => psnr(f.image, hr[i])));
    expect(Math.abs(pSr - pBi)).toBeLessThan(1);
    expect(pSr).toBeGreaterThan(24);
    expect(mean(sr.map((f) => detail(f.image)))).toBeGreaterThan(1.05 * mean(bi.map((f) => detail(f.image))));
    await esrgan.release();
  });

  it('x2 doubles a 16 px face; medium and slim give different (both plausible) results', async () => {
    const photo = await runtime.loadImage(SAMPLE);
    const [hr] = patches(photo, 1);
    const face = { image: resize(hr, 16, 16, 'area'), alignment: 'given' as const, sourceIndex: 0 };
    const [slim] = await (await createEsrgan(runtime, { variant: 'slim', scale: 2 })).process([face]);
    const [medium] = await (await createEsrgan(runtime, { variant: 'medium', scale: 2 })).process([face]);
    expect(slim.image.width).toBe(32);
    expect(medium.image.width).toBe(32);
    const ref = resize(face.image, 32, 32, 'bicubic');
    expect(psnr(slim.image, ref)).toBeGreaterThan(22);
    expect(psnr(medium.image, ref)).toBeGreaterThan(22);
    expect(slim.image.data).not.toEqual(medium.image.data);
  });

  it('says how to get the graphs when a model path is wrong', async () => {
    await expect(createEsrgan(runtime, { model: '/nonexistent/esrgan.onnx' })).rejects.toThrow(/model file not found/);
  });
});
