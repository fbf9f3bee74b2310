import { describe, expect, it } from 'vitest';
import type { RgbImage } from './image';
import { resize, type ResizeMethod } from './resize';

const METHODS: ResizeMethod[] = ['nearest', 'bilinear', 'bicubic', 'area'];

function randomImage(width: number, height: number, seed = 3): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  return { width, height, data };
}

/** value(x) = a + b x in every channel, x in pixel-centre coordinates. */
function ramp(width: number, height: number, a: number, b: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(a + b * x, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { width, height, data };
}

describe('resize', () => {
  it('keeps a constant image constant, for every method, up and down', () => {
    const img: RgbImage = { width: 37, height: 23, data: new Uint8Array(37 * 23 * 3).fill(173) };
    for (const m of METHODS) {
      for (const [w, h] of [[16, 9], [112, 112], [37, 50], [5, 23]]) {
        const out = resize(img, w, h, m);
        expect(out.width).toBe(w);
        expect(out.height).toBe(h);
        expect(out.data.every((v) => v === 173)).toBe(true);
      }
    }
  });

  it('area: a 2x downscale is the 2x2 average', () => {
    const img = randomImage(40, 30);
    const out = resize(img, 20, 15, 'area');
    for (let y = 0; y < 15; y++) {
      for (let x = 0; x < 20; x++) {
        for (let c = 0; c < 3; c++) {
          const at = (xx: number, yy: number) => img.data[(yy * 40 + xx) * 3 + c];
          const avg = (at(2 * x, 2 * y) + at(2 * x + 1, 2 * y) + at(2 * x, 2 * y + 1) + at(2 * x + 1, 2 * y + 1)) / 4;
          expect(Math.abs(out.data[(y * 20 + x) * 3 + c] - avg)).toBeLessThanOrEqual(0.5);
        }
      }
    }
  });

  it('area: a non-integer downscale weighs partial pixels by overlap', () => {
    const img: RgbImage = { width: 3, height: 1, data: new Uint8Array([0, 0, 0, 90, 90, 90, 240, 240, 240]) };
    // Output pixel 0 covers [0, 1.5): (0 * 1 + 90 * 0.5) / 1.5 = 30; pixel 1: (90 * 0.5 + 240) / 1.5 = 190.
    expect(Array.from(resize(img, 2, 1, 'area').data)).toEqual([30, 30, 30, 190, 190, 190]);
  });

  it('nearest picks exact source pixels (decimation and replication)', () => {
    const img = randomImage(250, 250);
    const out = resize(img, 16, 16, 'nearest');
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        const sx = Math.floor(((x + 0.5) * 250) / 16), sy = Math.floor(((y + 0.5) * 250) / 16);
        const s = (sy * 250 + sx) * 3, d = (y * 16 + x) * 3;
        expect(Array.from(out.data.subarray(d, d + 3))).toEqual(Array.from(img.data.subarray(s, s + 3)));
      }
    }
    const small = randomImage(4, 4);
    const up = resize(small, 12, 12, 'nearest');
    for (let y = 0; y < 12; y++) for (let x = 0; x < 12; x++) {
      expect(up.data[(y * 12 + x) * 3]).toBe(small.data[(Math.floor(y / 3) * 4 + Math.floor(x / 3)) * 3]);
    }
  });

  it('bilinear and bicubic reproduce a linear ramp away from the borders', () => {
    const img = ramp(64, 8, 10, 3); // 10 .. 199
    for (const m of ['bilinear', 'bicubic'] as const) {
      for (const w of [160, 32, 23]) {
        const out = resize(img, w, 8, m);
        const scale = 64 / w;
        const margin = Math.ceil(3 / scale) + 1; // the kernel reaches the border within this many outputs
        for (let x = margin; x < w - margin; x++) {
          const sx = (x + 0.5) * scale - 0.5;
          // 0.5 for rounding to 8 bits, plus a little: a widened kernel sampled at a non-integer
          // scale reproduces a ramp only to ~0.03 px. A half-pixel shift would be off by 1.5.
          expect(Math.abs(out.data[(3 * w + x) * 3] - (10 + 3 * sx))).toBeLessThanOrEqual(0.75);
        }
      }
    }
  });

  it('anti-aliases bilinear/bicubic downscales (stripes average out)', () => {
    const w = 64;
    const data = new Uint8Array(w * 4 * 3);
    for (let i = 0; i < w * 4; i++) data.fill(i % 2 ? 200 : 0, i * 3, i * 3 + 3);
    for (const m of ['bilinear', 'bicubic', 'area'] as const) {
      const out = resize({ width: w, height: 4, data }, 8, 4, m);
      for (const v of out.data) expect(Math.abs(v - 100)).toBeLessThanOrEqual(8);
    }
  });

  it('refuses bad sizes and methods', () => {
    const img = randomImage(4, 4);
    expect(() => resize(img, 0, 4, 'area')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => resize(img, 4, 4.5, 'area')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => resize(img, 4, 4, 'lanczos' as ResizeMethod)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
