import { applyAffine, ARCFACE_TEMPLATE_112, createImage, createTemplateAligner, scaleTemplate, warpAffine, type Point, type RgbImage } from '@squint/core';
import { describe, expect, it } from 'vitest';
import { createResizeUpscaler } from './classical';
import { lanczosResize } from './lanczos';

/** A smooth colourful test pattern. */
function pattern(w: number, h: number): RgbImage {
  const img = createImage(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      img.data[i] = 128 + 100 * Math.sin(x / 7);
      img.data[i + 1] = 128 + 100 * Math.cos(y / 9);
      img.data[i + 2] = (x + y) % 256;
    }
  }
  return img;
}

describe('createResizeUpscaler', () => {
  it('upscales by the factor, caps at maxSize, passes big faces through, keeps order', async () => {
    const sr = createResizeUpscaler({ method: 'bicubic', scale: 4 });
    const faces = [16, 40, 112, 16].map((s, i) => ({ image: pattern(s, s), alignment: 'given' as const, sourceIndex: i }));
    const out = await sr.process(faces);
    expect(out.map((f) => f.image.width)).toEqual([64, 112, 112, 64]);
    expect(out.map((f) => f.sourceIndex)).toEqual([0, 1, 2, 3]);
    expect(out[2]).toBe(faces[2]);
  });

  it('rescales the transform so source landmarks still land on the template', async () => {
    const frame = pattern(200, 160);
    const landmarks = scaleTemplate(ARCFACE_TEMPLATE_112, 18, 112).map(([x, y]) => [x + 70, y + 50] as Point);
    const aligner = createTemplateAligner();
    const [face] = aligner.align(frame, [{ box: { x: 70, y: 50, width: 18, height: 18 }, score: 1, landmarks }], 0);
    expect(face.image.width).toBe(18);
    const [up] = await createResizeUpscaler({ scale: 4 }).process([face]);
    expect(up.image.width).toBe(72);
    const target = scaleTemplate(ARCFACE_TEMPLATE_112, 72, 112);
    landmarks.forEach((p, i) => {
      const q = applyAffine(up.transform!, p);
      expect(Math.abs(q[0] - target[i][0])).toBeLessThan(1e-6);
      expect(Math.abs(q[1] - target[i][1])).toBeLessThan(1e-6);
    });
    // The pixels agree with that transform: warping the frame directly by it gives about the same image.
    const direct = warpAffine(frame, up.transform!, 72, 72, { border: 'constant' });
    let diff = 0;
    for (let i = 0; i < direct.data.length; i++) diff += Math.abs(direct.data[i] - up.image.data[i]);
    expect(diff / direct.data.length).toBeLessThan(12);
  });

  it('refuses unknown methods', () => {
    expect(() => createResizeUpscaler({ method: 'nearest' as 'bicubic' })).toThrow(/unknown resize method/);
  });
});

describe('lanczosResize', () => {
  it('keeps a constant image constant and follows a smooth ramp', () => {
    const flat = createImage(10, 10, new Uint8Array(300).fill(77));
    expect([...lanczosResize(flat, 40, 40).data].every((v) => v === 77)).toBe(true);
    const ramp = createImage(16, 4);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 16; x++) ramp.data.fill(x * 10 + 40, (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
    const up = lanczosResize(ramp, 64, 16);
    // Interior output pixel x maps to source (x + 0.5) / 4 - 0.5: a linear ramp is reproduced.
    for (const x of [16, 30, 41]) {
      const expected = ((x + 0.5) / 4 - 0.5) * 10 + 40;
      expect(Math.abs(up.data[(8 * 64 + x) * 3] - expected)).toBeLessThanOrEqual(1);
    }
  });

  it('is close to bicubic on smooth content, and a different image from nearest', async () => {
    const img = pattern(24, 24);
    const [l] = await createResizeUpscaler({ method: 'lanczos', scale: 4 }).process([{ image: img, alignment: 'given', sourceIndex: 0 }]);
    const [b] = await createResizeUpscaler({ method: 'bicubic', scale: 4 }).process([{ image: img, alignment: 'given', sourceIndex: 0 }]);
    let d = 0;
    for (let i = 0; i < l.image.data.length; i++) d += Math.abs(l.image.data[i] - b.image.data[i]);
    expect(d / l.image.data.length).toBeLessThan(3);
  });
});
