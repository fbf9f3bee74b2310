import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SquintError, createImage, type RgbImage } from '@squint/core';
import { encodeImage, saveImage } from './encode-image';
import { loadImage } from './load-image';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squint-encode-image-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function gradient(width: number, height: number): RgbImage {
  const img = createImage(width, height);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    img.data.set([(x * 255) / (width - 1), (y * 255) / (height - 1), 90], i * 3);
  }
  return img;
}

describe('encodeImage', () => {
  it('round-trips PNG exactly', async () => {
    const img = gradient(17, 9);
    const png = await encodeImage(img, 'png');
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    const back = await loadImage(png);
    expect([back.width, back.height]).toEqual([17, 9]);
    expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('encodes JPEG close to the original', async () => {
    const img = gradient(64, 64);
    const jpeg = await encodeImage(img, 'jpeg');
    expect(Array.from(jpeg.subarray(0, 2))).toEqual([0xff, 0xd8]);
    const back = await loadImage(jpeg);
    let err = 0;
    for (let i = 0; i < img.data.length; i++) err += Math.abs(back.data[i] - img.data[i]);
    expect(err / img.data.length).toBeLessThan(3);
  });

  it('refuses data that does not match the size', async () => {
    await expect(encodeImage({ width: 4, height: 4, data: new Uint8Array(10) }, 'png')).rejects.toThrow(SquintError);
  });
});

describe('saveImage', () => {
  it('chooses the format by extension and creates the folder', async () => {
    const img = gradient(8, 6);
    const png = join(dir, 'out', 'crop.PNG');
    const jpg = join(dir, 'out', 'deep', 'crop.jpeg');
    await saveImage(img, png);
    await saveImage(img, jpg);
    expect((await sharp(await readFile(png)).metadata()).format).toBe('png');
    expect((await sharp(await readFile(jpg)).metadata()).format).toBe('jpeg');
    expect(Buffer.from((await loadImage(png)).data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('refuses an extension it cannot encode', async () => {
    const e = await saveImage(gradient(2, 2), join(dir, 'crop.bmp')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SquintError);
    expect((e as SquintError).code).toBe('INVALID_ARGUMENT');
  });
});
