import { describe, it, expect } from 'vitest';
import { SquintError } from '@squint/core';
import { loadImage } from './load-image';

// Node has no createImageBitmap or canvas: only the paths that need neither run here. Decoding
// real encoded images is covered by browser.test.ts in headless Chromium.
async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SquintError) return `${e.code} ${e.message}`;
    throw e;
  }
  return undefined;
}

describe('loadImage (without a browser)', () => {
  it('reads ImageData-like RGBA into RGB', async () => {
    const data = new Uint8ClampedArray(3 * 2 * 4).map((_, i) => (i % 4 === 3 ? 255 : i));
    const img = await loadImage({ width: 3, height: 2, data });
    expect(img.width).toBe(3);
    expect(img.height).toBe(2);
    expect(Array.from(img.data.slice(0, 6))).toEqual([0, 1, 2, 4, 5, 6]);
  });

  it('enforces the pixel limit before copying', async () => {
    const data = new Uint8ClampedArray(100 * 100 * 4);
    expect(await codeOf(loadImage({ width: 100, height: 100, data }, 'big.png', { pixelLimit: 9_999 })))
      .toMatch(/^IMAGE_TOO_LARGE big.png: image is 100x100 \(10000 pixels\), above the limit of 9999/);
    await expect(loadImage({ width: 100, height: 100, data }, 'ok', { pixelLimit: 10_000 })).resolves.toBeTruthy();
  });

  it('reports empty bytes as IMAGE_DECODE naming the label', async () => {
    expect(await codeOf(loadImage(new Uint8Array(0), 'upload.jpg'))).toMatch(/^IMAGE_DECODE upload.jpg: image bytes are empty/);
    expect(await codeOf(loadImage(new ArrayBuffer(0), 'a'))).toMatch(/^IMAGE_DECODE/);
  });

  it('says what is missing when encoded bytes arrive where createImageBitmap does not exist', async () => {
    expect(typeof (globalThis as { createImageBitmap?: unknown }).createImageBitmap).toBe('undefined');
    expect(await codeOf(loadImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), 'x.png'))).toMatch(/^INVALID_ARGUMENT x.png: .*createImageBitmap.*@squint\/node/);
  });

  it('refuses things that are not images, listing what it accepts', async () => {
    expect(await codeOf(loadImage(42, 'n'))).toMatch(/^INVALID_ARGUMENT n: cannot read an image from number; pass ImageData/);
    expect(await codeOf(loadImage({ foo: 1 }))).toMatch(/^INVALID_ARGUMENT cannot read an image from an object without width, height and RGBA data/);
  });

  it('reports an unreachable URL as IMAGE_DECODE', async () => {
    // Port 9 on 127.0.0.1 (discard) refuses connections on these machines; no network is used.
    expect(await codeOf(loadImage('http://127.0.0.1:9/face.jpg'))).toMatch(/^IMAGE_DECODE http:\/\/127.0.0.1:9\/face.jpg: could not fetch/);
  });
});
