import { applyAffine, ARCFACE_TEMPLATE_112, createImage, createTemplateAligner, FFHQ_TEMPLATE_512, isSquintError, scaleTemplate, similarityTransform, type Point, type RgbImage } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { GraphBuilder } from '@squint/onnx';
import { describe, expect, it } from 'vitest';
import { createGfpgan } from './gfpgan';

const runtime = createNodeRuntime({ threads: 2 });

/**
 * A stand-in with GFPGAN's exact signature (input `input` [1,3,512,512] in [-1,1] -> same shape):
 * 2x2 average pool, nearest x2 upsample (a fixed "restoration" that smooths), plus `offset`.
 */
function gfpganLike(offset: number, inputName = 'input'): Uint8Array {
  const g = new GraphBuilder('gfpgan-like', { opset: 13 });
  const x = g.input(inputName, 'float32', [1, 3, 512, 512]);
  const pooled = g.node('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
  const up = g.node('Resize', [pooled, null, g.float32s([1, 1, 2, 2])], { mode: 'nearest' });
  g.output(g.node('Add', [up, g.float32s([offset])], {}, { outputs: ['output'] }), 'float32', [1, 3, 512, 512]);
  return g.toModel();
}

function frameWithNoise(w: number, h: number): RgbImage {
  let s = 99;
  return createImage(w, h, Uint8Array.from({ length: w * h * 3 }, () => 60 + ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 25)));
}

/** A 40 px face at (80, 50) in a 240x180 frame: its five points are the ArcFace template, scaled. */
const landmarks = scaleTemplate(ARCFACE_TEMPLATE_112, 40, 112).map(([x, y]) => [x + 80, y + 50] as Point);

describe('createGfpgan', () => {
  it('checks the model signature', async () => {
    await expect(createGfpgan(runtime, { model: gfpganLike(0, 'x'), name: 'not-gfpgan' }))
      .rejects.toSatisfy((e: unknown) => isSquintError(e, 'MODEL_SHAPE') && /input 0 is named "x", expected "input"/.test((e as Error).message));
  });

  it('restores aligned faces: normalises, runs, de-normalises and re-aligns to the ArcFace template at 112', async () => {
    const frame = createImage(240, 180, new Uint8Array(240 * 180 * 3).fill(100));
    const [face] = createTemplateAligner().align(frame, [{ box: { x: 80, y: 50, width: 40, height: 40 }, score: 1, landmarks }], 0);
    expect(face.image.width).toBe(40);
    const gfpgan = await createGfpgan(runtime, { model: gfpganLike(0.1) });
    const [out] = await gfpgan.process([face]);
    expect(out.image.width).toBe(112);
    // +0.1 in [-1,1] is +12.75 grey levels; the flat face stays flat in the middle.
    const mid = (56 * 112 + 56) * 3;
    expect(Math.abs(out.image.data[mid] - 112.75)).toBeLessThanOrEqual(1);
    // The transform was rescaled with the image: source landmarks land on the 112 template.
    landmarks.forEach((p, i) => {
      const q = applyAffine(out.transform!, p);
      expect(Math.hypot(q[0] - ARCFACE_TEMPLATE_112[i][0], q[1] - ARCFACE_TEMPLATE_112[i][1])).toBeLessThan(1e-6);
    });
    // Outputs far outside [-1, 1] are clipped, not wrapped.
    const [bright] = await (await createGfpgan(runtime, { model: gfpganLike(5) })).process([face]);
    expect(bright.image.data[mid]).toBe(255);
  });

  it('pastes the restored face back only inside the soft mask', async () => {
    const frame = frameWithNoise(240, 180);
    const gfpgan = await createGfpgan(runtime, { model: gfpganLike(0.2) });
    const [face] = createTemplateAligner().align(frame, [{ box: { x: 80, y: 50, width: 40, height: 40 }, score: 1, landmarks }], 0);
    const restored = await gfpgan.restoreFrame(frame, [face]);
    const m = similarityTransform(landmarks, FFHQ_TEMPLATE_512);
    let inside = 0, outside = 0, soft = 0;
    for (let y = 0; y < 180; y++) {
      for (let x = 0; x < 240; x++) {
        const [u, v] = applyAffine(m, [x, y]);
        const i = (y * 240 + x) * 3;
        const changed = Math.abs(restored.data[i] - frame.data[i]) + Math.abs(restored.data[i + 1] - frame.data[i + 1]);
        const d = Math.min(u + 0.5, v + 0.5, 511.5 - u, 511.5 - v); // distance to the crop border, in 512 px
        if (d <= 0.02 * 512) {
          expect(changed).toBe(0); // outside the crop or in its hard margin: untouched
          outside++;
        } else if (d > 0.12 * 512) {
          // full weight: smoothed content + 0.2 * 127.5 = +25.5 on average
          inside++;
        } else if (changed > 0) {
          soft++;
        }
      }
    }
    expect(outside).toBeGreaterThan(30000);
    expect(inside).toBeGreaterThan(500);
    expect(soft).toBeGreaterThan(100);
    // Deep inside, the brightening shows at full strength.
    const c = applyAffine(similarityTransform(FFHQ_TEMPLATE_512, landmarks), [256, 256]).map(Math.round);
    let mean = 0;
    for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) {
      const i = ((c[1] + dy) * 240 + c[0] + dx) * 3;
      mean += (restored.data[i] - frame.data[i]) / 49;
    }
    expect(Math.abs(mean - 25.5)).toBeLessThan(3);
  });

  it('refuses faces it cannot place in a frame', async () => {
    const gfpgan = await createGfpgan(runtime, { model: gfpganLike(0) });
    const given = { image: createImage(112, 112), alignment: 'given' as const, sourceIndex: 0 };
    await expect(gfpgan.restoreFrame(createImage(50, 50), [given])).rejects.toThrow(/face 0 has neither 5 landmarks nor a transform/);
  });
});
