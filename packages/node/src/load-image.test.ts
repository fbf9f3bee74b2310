import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SquintError, type RgbImage } from '@squint/core';
import { loadImage } from './load-image';
import { failure } from './expect-failure.fixture';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squint-load-image-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Raw pixels from a per-pixel function. */
function pixels(width: number, height: number, channels: number, at: (x: number, y: number, c: number) => number): Buffer {
  const out = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) out[(y * width + x) * channels + c] = at(x, y, c);
  return out;
}

function rgbAt(img: RgbImage, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * 3;
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}


/** A 256x256 JPEG with detail everywhere, so that half of it is missing real scan data. */
async function detailedJpeg(): Promise<Buffer> {
  return sharp(pixels(256, 256, 3, (x, y, c) => (x * 7 + y * 13 + c * 50) & 255), { raw: { width: 256, height: 256, channels: 3 } }).jpeg().toBuffer();
}

describe('loadImage conversions', () => {
  it('applies EXIF orientation 6 (rotate 90 degrees clockwise)', async () => {
    // Stored 64x32 with a red top-left quadrant; displayed it is 32x64 with red top-right.
    const path = join(dir, 'orientation-6.jpg');
    const red = (x: number, y: number) => x < 32 && y < 16;
    await sharp(pixels(64, 32, 3, (x, y, c) => (red(x, y) ? [230, 20, 20][c] : [20, 20, 230][c])), { raw: { width: 64, height: 32, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toFile(path);
    expect((await sharp(path).metadata()).orientation).toBe(6);

    const img = await loadImage(path);
    expect([img.width, img.height]).toEqual([32, 64]);
    expect(img.data.length).toBe(32 * 64 * 3);
    const [r1, g1, b1] = rgbAt(img, 24, 8); // top-right: was top-left
    expect(r1).toBeGreaterThan(180);
    expect(b1).toBeLessThan(70);
    expect(g1).toBeLessThan(70);
    const [r2, , b2] = rgbAt(img, 8, 8); // top-left: was bottom-left, blue
    expect(b2).toBeGreaterThan(180);
    expect(r2).toBeLessThan(70);
  });

  it('expands grayscale into three equal channels with the same values', async () => {
    const path = join(dir, 'gray.png');
    const gray = (x: number, y: number) => x * 40 + y * 3;
    await sharp(pixels(6, 5, 1, gray), { raw: { width: 6, height: 5, channels: 1 } }).toColourspace('b-w').png().toFile(path);
    expect((await sharp(path).metadata()).channels).toBe(1);

    const img = await loadImage(path);
    expect([img.width, img.height]).toEqual([6, 5]);
    for (let y = 0; y < 5; y++) for (let x = 0; x < 6; x++) expect(rgbAt(img, x, y)).toEqual([gray(x, y), gray(x, y), gray(x, y)]);
  });

  it('flattens RGBA onto white', async () => {
    const path = join(dir, 'rgba.png');
    const rgba = [
      [10, 20, 30, 255], // opaque: unchanged
      [255, 0, 0, 128], // half-transparent red: pink
      [0, 0, 0, 0], // fully transparent black: white, not black
    ];
    await sharp(pixels(3, 1, 4, (x, _y, c) => rgba[x][c]), { raw: { width: 3, height: 1, channels: 4 } }).png().toFile(path);
    expect((await sharp(path).metadata()).hasAlpha).toBe(true);

    const img = await loadImage(path);
    expect(img.data.length).toBe(9);
    expect(rgbAt(img, 0, 0)).toEqual([10, 20, 30]);
    const [r, g, b] = rgbAt(img, 1, 0);
    expect(r).toBe(255);
    expect(Math.abs(g - 127)).toBeLessThanOrEqual(1);
    expect(Math.abs(b - 127)).toBeLessThanOrEqual(1);
    expect(rgbAt(img, 2, 0)).toEqual([255, 255, 255]);
  });

  it('reduces a 16-bit PNG to 8 bits per channel', async () => {
    const path = join(dir, 'rgb16.png');
    const value = (x: number, _y: number, c: number) => x * 60 + c * 20;
    await sharp(pixels(4, 2, 3, value), { raw: { width: 4, height: 2, channels: 3 } }).toColourspace('rgb16').png().toFile(path);
    expect((await sharp(path).metadata()).depth).toBe('ushort');

    const img = await loadImage(path);
    expect(img.data.length).toBe(4 * 2 * 3);
    for (let x = 0; x < 4; x++) {
      const px = rgbAt(img, x, 1);
      for (let c = 0; c < 3; c++) expect(Math.abs(px[c] - value(x, 1, c))).toBeLessThanOrEqual(1);
    }
  });

  it('converts a CMYK JPEG to RGB', async () => {
    const path = join(dir, 'cmyk.jpg');
    await sharp(pixels(16, 16, 3, (_x, _y, c) => [200, 40, 40][c]), { raw: { width: 16, height: 16, channels: 3 } })
      .toColourspace('cmyk')
      .jpeg({ quality: 95 })
      .toFile(path);
    const meta = await sharp(path).metadata();
    expect([meta.space, meta.channels]).toEqual(['cmyk', 4]);

    const img = await loadImage(path);
    expect([img.width, img.height, img.data.length]).toEqual([16, 16, 16 * 16 * 3]);
    const [r, g, b] = rgbAt(img, 8, 8);
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(100);
    expect(b).toBeLessThan(100);
  });

  it('decodes the same pixels from a path, a file: URL, a Buffer, a Uint8Array and an ArrayBuffer', async () => {
    const bytes = await detailedJpeg();
    const path = join(dir, 'same.jpg');
    await writeFile(path, bytes);
    const fromPath = await loadImage(path);
    expect([fromPath.width, fromPath.height]).toEqual([256, 256]);
    const plain = new Uint8Array(bytes);
    for (const input of [pathToFileURL(path), pathToFileURL(path).href, bytes, plain, plain.buffer]) {
      const img = await loadImage(input);
      expect(img.width).toBe(256);
      expect(Buffer.from(img.data).equals(Buffer.from(fromPath.data))).toBe(true);
    }
  });
});

describe('loadImage errors', () => {
  it('rejects a 0-byte file as IMAGE_DECODE naming the file', async () => {
    const path = join(dir, 'empty.jpg');
    await writeFile(path, new Uint8Array(0));
    const e = await failure(loadImage(path));
    expect(e.code).toBe('IMAGE_DECODE');
    expect(e.input).toBe(path);
    expect(e.message).toMatch(/empty \(0 bytes\)/);
  });

  it('rejects a truncated JPEG instead of returning a half-grey image', async () => {
    const whole = await detailedJpeg();
    const path = join(dir, 'truncated.jpg');
    await writeFile(path, whole.subarray(0, whole.length >> 1));
    const e = await failure(loadImage(path));
    expect(e.code).toBe('IMAGE_DECODE');
    expect(e.input).toBe(path);
    expect(e.message).toMatch(/truncated/);
    // Same bytes in memory: same verdict, with the label the caller gave.
    const e2 = await failure(loadImage(whole.subarray(0, whole.length >> 1), 'upload #3'));
    expect([e2.code, e2.input]).toEqual(['IMAGE_DECODE', 'upload #3']);
  });

  it('rejects a truncated PNG', async () => {
    const png = await sharp(pixels(128, 128, 3, (x, y, c) => (x * y + c * 31) & 255), { raw: { width: 128, height: 128, channels: 3 } }).png().toBuffer();
    const path = join(dir, 'truncated.png');
    await writeFile(path, png.subarray(0, png.length >> 1));
    const e = await failure(loadImage(path));
    expect([e.code, e.input]).toEqual(['IMAGE_DECODE', path]);
  });

  it('rejects a text file as not an image', async () => {
    const path = join(dir, 'notes.jpg');
    await writeFile(path, 'this is not a picture\n');
    const e = await failure(loadImage(path));
    expect([e.code, e.input]).toEqual(['IMAGE_DECODE', path]);
    expect(e.message).toMatch(/not an image/);
  });

  it('reports a missing file as "file not found"', async () => {
    const path = join(dir, 'nowhere', 'missing.png');
    const e = await failure(loadImage(path));
    expect([e.code, e.input]).toEqual(['IMAGE_DECODE', path]);
    expect(e.message).toMatch(/file not found/);
  });

  it('refuses images above the pixel limit, saying how large they are', async () => {
    const path = join(dir, 'big.png');
    await sharp(pixels(100, 80, 3, () => 128), { raw: { width: 100, height: 80, channels: 3 } }).png().toFile(path);
    const e = await failure(loadImage(path, 'big', { pixelLimit: 5000 }));
    expect([e.code, e.input]).toEqual(['IMAGE_TOO_LARGE', 'big']);
    expect(e.message).toMatch(/100x80/);
    expect(e.message).toMatch(/5,000/);
    expect((await loadImage(path, 'big', { pixelLimit: 8000 })).width).toBe(100);
  });

  it('refuses remote URLs and values that are not images', async () => {
    expect((await failure(loadImage('https://example.com/a.jpg'))).code).toBe('IMAGE_DECODE');
    expect((await failure(loadImage(42 as unknown as string))).code).toBe('INVALID_ARGUMENT');
  });
});
