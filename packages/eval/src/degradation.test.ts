import { describe, expect, it } from 'vitest';
import { createImage, isSquintError, type RgbImage } from '@squint/core';
import { encodeImage, loadImage } from '@squint/node';
import { degrade, parseRecipe, recipeName, type JpegCodec } from './degradation';
import { createRandom, deriveSeed } from './random';

/** A face-sized test card: gradients, a checkerboard and a disc, so every step changes something. */
function testCard(width = 112, height = 96): RgbImage {
  const img = createImage(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const check = ((x >> 2) + (y >> 2)) % 2 ? 200 : 40;
      const disc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < 400;
      img.data[i] = Math.round((255 * x) / (width - 1));
      img.data[i + 1] = disc ? 250 : check;
      img.data[i + 2] = Math.round((255 * y) / (height - 1));
    }
  }
  return img;
}

const flat = (value: number, size = 64) => createImage(size, size, new Uint8Array(size * size * 3).fill(value));

function stats(data: Uint8Array): { mean: number; std: number } {
  let s = 0;
  for (const v of data) s += v;
  const mean = s / data.length;
  let q = 0;
  for (const v of data) q += (v - mean) ** 2;
  return { mean, std: Math.sqrt(q / data.length) };
}

const sharpCodec: JpegCodec = {
  encodeJpeg: (image, quality) => encodeImage(image, 'jpeg', { quality }),
  decodeJpeg: (bytes) => loadImage(bytes, 'degraded.jpg'),
};

describe('degrade', () => {
  it('scales the width to the recipe size and keeps the aspect ratio', async () => {
    const out = await degrade(testCard(), 'bicubic@16', 1);
    expect([out.width, out.height]).toEqual([16, 14]); // 96 * 16 / 112 = 13.7
    const area = await degrade(testCard(), { size: 24, downscale: 'area' }, 1);
    expect([area.width, area.height]).toEqual([24, 21]);
    expect(area.data).not.toEqual(out.data);
  });

  it('is deterministic per seed and differs across seeds', async () => {
    const card = testCard();
    const before = card.data.slice();
    const a = await degrade(card, 'bilinear@20+blur0.8+noise6', 42);
    const b = await degrade(card, 'bilinear@20+blur0.8+noise6', 42);
    const c = await degrade(card, 'bilinear@20+blur0.8+noise6', 43);
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(c.data);
    expect(card.data).toEqual(before); // input untouched
  });

  it('draws noise from its own stream: adding a blur does not change the noise pattern', async () => {
    const img = flat(128);
    const n = await degrade(img, 'original+noise5', 7);
    const bn = await degrade(img, 'original+blur1+noise5', 7); // blur of a flat image is a no-op
    expect(bn.data).toEqual(n.data);
  });

  it('adds Gaussian noise with the asked sigma (0-255 units)', async () => {
    const { mean, std } = stats((await degrade(flat(128, 128), 'original+noise5', 3)).data);
    expect(Math.abs(mean - 128)).toBeLessThan(0.2);
    expect(Math.abs(std - 5)).toBeLessThan(0.15);
  });

  it('blurs (less contrast on a checkerboard) and keeps flat areas flat', async () => {
    const card = testCard();
    const sharp = await degrade(card, 'nearest@56', 1);
    const blurred = await degrade(card, 'nearest@56+blur1.5', 1);
    expect(stats(blurred.data).std).toBeLessThan(stats(sharp.data).std);
    expect((await degrade(flat(90), 'original+blur2', 1)).data.every((v) => v === 90)).toBe(true);
  });

  it('posterizes to the top bits', async () => {
    const out = await degrade(testCard(), 'original+posterize3', 1);
    expect(out.data.every((v) => v % 32 === 0)).toBe(true);
    expect(new Set(out.data).size).toBeGreaterThan(4);
  });

  it('zooms back to the original size with a seed-drawn interpolation', async () => {
    const card = testCard();
    const outs = await Promise.all(Array.from({ length: 12 }, (_, s) => degrade(card, 'area@12+zoom', s)));
    for (const o of outs) expect([o.width, o.height]).toEqual([112, 96]);
    const distinct = new Set(outs.map((o) => o.data.join(',')));
    expect(distinct.size).toBeGreaterThan(1); // several methods drawn
    expect(distinct.size).toBeLessThanOrEqual(4); // and only the four methods exist
    expect((await degrade(card, 'area@12+zoom', 5)).data).toEqual(outs[5].data);
  });

  it('round-trips through an injected JPEG codec and refuses JPEG without one', async () => {
    const card = testCard();
    const plain = await degrade(card, 'bicubic@32', 1);
    const jpeg = await degrade(card, 'bicubic@32+jpeg20', 1, { codec: sharpCodec });
    expect([jpeg.width, jpeg.height]).toEqual([plain.width, plain.height]);
    expect(jpeg.data).not.toEqual(plain.data);
    let diff = 0;
    for (let i = 0; i < jpeg.data.length; i++) diff += Math.abs(jpeg.data[i] - plain.data[i]);
    expect(diff / jpeg.data.length).toBeLessThan(30); // lossy, but the same picture
    const worse = await degrade(card, 'bicubic@32+jpeg5', 1, { codec: sharpCodec });
    let diff5 = 0;
    for (let i = 0; i < worse.data.length; i++) diff5 += Math.abs(worse.data[i] - plain.data[i]);
    expect(diff5).toBeGreaterThan(diff);
    await expect(degrade(card, 'bicubic@32+jpeg20', 1)).rejects.toThrow(/codec/);
  });

  it('returns a copy when the recipe changes nothing', async () => {
    const card = testCard();
    const out = await degrade(card, 'original', 1);
    expect(out.data).toEqual(card.data);
    expect(out.data).not.toBe(card.data);
  });
});

describe('recipe strings', () => {
  it('parse and print round-trip', () => {
    for (const s of [
      'bicubic@16',
      'area@24+blur1+noise5+jpeg40',
      'nearest@8+posterize4+zoom',
      'bilinear@12+blur0.5+noise2.5+posterize6+jpeg90+zoom',
      'original',
      'original+jpeg30',
    ]) {
      expect(recipeName(parseRecipe(s))).toBe(s);
    }
    expect(parseRecipe('bicubic@16+blur1+noise5+jpeg40')).toEqual({
      size: 16,
      downscale: 'bicubic',
      blur: { sigma: 1 },
      noise: { sigma: 5 },
      jpeg: { quality: 40 },
    });
    // Steps print in the order they run, whatever order they were written in.
    expect(recipeName(parseRecipe('area@16+jpeg40+blur1'))).toBe('area@16+blur1+jpeg40');
  });

  it('explains what is wrong with a bad recipe', () => {
    const bad = ['lanczos@16', 'bicubic16', 'bicubic@16+sharpen2', 'bicubic@16+blur', 'bicubic@16+jpeg0', 'bicubic@16+posterize9', 'bicubic@16+blur1+blur2', 'bicubic@0', 'bicubic@16+zoom3'];
    for (const s of bad) {
      let thrown: unknown;
      try {
        parseRecipe(s);
      } catch (e) {
        thrown = e;
      }
      expect(isSquintError(thrown, 'INVALID_ARGUMENT'), s).toBe(true);
      expect((thrown as Error).message).toContain(s);
    }
  });
});

describe('random', () => {
  it('gives reproducible, well-spread streams per derived seed', () => {
    const a = createRandom(deriveSeed(1, 'probe/0001.jpg'));
    const b = createRandom(deriveSeed(1, 'probe/0001.jpg'));
    const seq = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seq);
    expect(deriveSeed(1, 'probe/0001.jpg')).not.toBe(deriveSeed(2, 'probe/0001.jpg'));
    expect(deriveSeed(1, 'probe/0001.jpg')).not.toBe(deriveSeed(1, 'probe/0002.jpg'));
    const r = createRandom(99);
    let s = 0;
    let q = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      q += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(q / n - 1)).toBeLessThan(0.04);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[r.int(4)]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });
});
