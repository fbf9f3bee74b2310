import { createImage, isSquintError, resize, type AlignedFace, type InferenceRuntime, type RgbImage } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { GraphBuilder } from '@squint/onnx';
import { describe, expect, it } from 'vitest';
import { createOnnxSuperResolution } from './onnx-sr';

const runtime = createNodeRuntime({ threads: 1 });

/** x2 nearest upsampling, optionally followed by a 3x3 box blur (a local op that tiling must handle). */
function upsampleGraph(options: { layout?: 'nchw' | 'nhwc'; scale?: number; blur?: boolean; poison?: boolean } = {}): Uint8Array {
  const g = new GraphBuilder('sr-test', { opset: 13 });
  const nhwc = options.layout === 'nhwc';
  let x = g.input('lr', 'float32', nhwc ? ['N', 'H', 'W', 3] : ['N', 3, 'H', 'W']);
  if (nhwc) x = g.node('Transpose', [x], { perm: [0, 3, 1, 2] });
  const s = options.scale ?? 2;
  let y = g.node('Resize', [x, null, g.float32s([1, 1, s, s])], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
  if (options.blur) {
    const w = g.initializer('blur', new Float32Array(27).fill(1 / 9), [3, 1, 3, 3]);
    y = g.node('Conv', [y, w], { group: 3, pads: [1, 1, 1, 1], kernel_shape: [3, 3] });
  }
  if (options.poison) y = g.node('Mul', [y, g.float32s([Number.NaN])]);
  if (nhwc) y = g.node('Transpose', [y], { perm: [0, 2, 3, 1] });
  g.output(g.node('Identity', [y], {}, { outputs: ['hr'] }), 'float32', nhwc ? ['N', 'Ho', 'Wo', 3] : ['N', 3, 'Ho', 'Wo']);
  return g.toModel();
}

function noise(w: number, h: number, seed: number): RgbImage {
  let s = seed;
  return createImage(w, h, Uint8Array.from({ length: w * h * 3 }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24)));
}

const face = (image: RgbImage, i = 0): AlignedFace => ({ image, alignment: 'landmarks', transform: [0.5, 0, 3, 0, 0.5, 4], sourceIndex: i });

function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  let d = 0;
  for (let i = 0; i < a.data.length; i++) d += Math.abs(a.data[i] - b.data[i]);
  return d / a.data.length;
}

describe('createOnnxSuperResolution', () => {
  it('upscales with the layout and ranges given, and rescales the transform', async () => {
    for (const [layout, range] of [['nchw', [0, 1]], ['nhwc', [-1, 1]]] as const) {
      const sr = await createOnnxSuperResolution(runtime, { model: upsampleGraph({ layout }), layout, inputRange: range, scale: 2 });
      const img = noise(20, 20, 7);
      const [out] = await sr.process([face(img)]);
      expect(out.image.width).toBe(40);
      expect(out.image.data).toEqual(resize(img, 40, 40, 'nearest').data);
      // transform' = scale(20 -> 40) after transform: x' + 0.5 = 2 (x + 0.5)
      expect(out.transform).toEqual([1, 0, 6.5, 0, 1, 8.5]);
      await sr.release();
    }
  });

  it('finds the scale when not told, caps at maxSize and batches equal sizes into one run', async () => {
    let runs = 0;
    const counting: InferenceRuntime = {
      ...runtime,
      async createSession(model, options) {
        const s = await runtime.createSession(model, options);
        return { ...s, run: (feeds) => ((runs += 1), s.run(feeds)) };
      },
    };
    const sr = await createOnnxSuperResolution(counting, { model: upsampleGraph({ scale: 4 }), maxSize: 112 });
    expect(sr.scale).toBe(4);
    runs = 0;
    const out = await sr.process([face(noise(16, 16, 1)), face(noise(40, 40, 2)), face(noise(16, 16, 3)), face(noise(120, 120, 4))]);
    expect(out.map((f) => f.image.width)).toEqual([64, 112, 64, 120]);
    expect(runs).toBe(2); // one run for both 16 px faces, one for the 40 px face; 120 px passes through
  });

  it('tiles large images with overlap blending: same result as one pass for a local model', async () => {
    const model = upsampleGraph({ blur: true });
    const whole = await createOnnxSuperResolution(runtime, { model, scale: 2 });
    const tiled = await createOnnxSuperResolution(runtime, { model, scale: 2, tile: { size: 32, overlap: 8 } });
    const img = resize(noise(25, 20, 3), 100, 80, 'bilinear'); // smooth-ish content
    const [a] = await whole.upscale([img]);
    const [b] = await tiled.upscale([img]);
    expect(b.width).toBe(200);
    expect(b.height).toBe(160);
    // Only the blur's one-pixel (zero-padded) border differs per tile, and the ramps hide it.
    const blended = meanAbsDiff(a, b);
    expect(blended).toBeLessThan(0.1);
    const [c] = await (await createOnnxSuperResolution(runtime, { model, scale: 2, tile: { size: 32, overlap: 0 } })).upscale([img]);
    expect(meanAbsDiff(a, c)).toBeGreaterThan(10 * blended); // without overlap the seams show
  });

  it('refuses a model whose output is not an integer multiple of its input, naming both', async () => {
    const sr = createOnnxSuperResolution(runtime, { model: upsampleGraph({ scale: 1.5 }), name: 'odd-sr' });
    await expect(sr).rejects.toSatisfy((e: unknown) => isSquintError(e, 'MODEL_SHAPE') && /odd-sr: maps 16x16 to 24x24, not an integer multiple/.test((e as Error).message));
  });

  it('refuses a scale that disagrees with the model', async () => {
    const sr = await createOnnxSuperResolution(runtime, { model: upsampleGraph({ scale: 2 }), scale: 4, name: 'x2-model' });
    await expect(sr.process([face(noise(16, 16, 1))])).rejects.toThrow(/x2-model: maps 16x16 to 32x32 \(x2\) but scale 4 was expected/);
  });

  it('reports NaN outputs as MODEL_OUTPUT', async () => {
    const sr = await createOnnxSuperResolution(runtime, { model: upsampleGraph({ poison: true }), scale: 2, name: 'nan-sr' });
    await expect(sr.process([face(noise(16, 16, 1))])).rejects.toSatisfy((e: unknown) => isSquintError(e, 'MODEL_OUTPUT') && /nan-sr: output has a non-finite value/.test((e as Error).message));
  });

  it('checks the channel count against the layout', async () => {
    await expect(createOnnxSuperResolution(runtime, { model: upsampleGraph({ layout: 'nhwc' }), layout: 'nchw', name: 'nhwc-model' }))
      .rejects.toThrow(/nhwc-model: input "lr" has .* channels in the nchw layout|nhwc-model/);
  });
});
