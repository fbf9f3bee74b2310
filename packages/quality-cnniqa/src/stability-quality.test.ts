import { beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { resize, type AlignedFace, type Backbone, type RgbImage } from '@squint/core';
import { createEmbeddingBackbone } from '@squint/models';
import { createNodeRuntime, loadImage } from '@squint/node';
import { createStabilityQuality } from './stability-quality';

const require = createRequire(import.meta.url);
const runtime = createNodeRuntime({ threads: 1 });

/** Central square of an npm-shipped portrait at 112 px. */
async function hrCrop(i: number): Promise<RgbImage> {
  const img = await loadImage(require.resolve(`@vladmandic/face-api/demo/sample${i}.jpg`));
  const s = Math.min(img.width, img.height);
  const x0 = (img.width - s) >> 1, y0 = (img.height - s) >> 1;
  const data = new Uint8Array(s * s * 3);
  for (let y = 0; y < s; y++) data.set(img.data.subarray(((y + y0) * img.width + x0) * 3, ((y + y0) * img.width + x0 + s) * 3), y * s * 3);
  return resize({ width: s, height: s, data }, 112, 112, 'area');
}
const face = (image: RgbImage, i = 0): AlignedFace => ({ image, alignment: 'given', sourceIndex: i });

/** Counts faces per call, to check batching; the embeddings are the real backbone's. */
function counting(backbone: Backbone, calls: number[]): Backbone {
  return { ...backbone, name: backbone.name, embed: (faces, q) => (calls.push(faces.length), backbone.embed(faces, q)) };
}

describe('stability quality', () => {
  let backbone: Backbone;
  beforeAll(async () => {
    backbone = await createEmbeddingBackbone(runtime);
  });

  it('is a mean cosine near 1 for an HR face and falls for the same face at 12 px', async () => {
    const q = createStabilityQuality(backbone);
    const hr = await hrCrop(1);
    const [high, low] = await q.estimate([face(hr), face(resize(hr, 12, 12, 'bicubic'))]);
    expect(high).toBeGreaterThan(0.6);
    expect(high).toBeLessThanOrEqual(1 + 1e-6);
    expect(low).toBeLessThan(high);
  });

  it('embeds 1 + views per face, chunked into one backbone call per batch', async () => {
    const calls: number[] = [];
    const hr = await hrCrop(2);
    const faces = [0, 1, 2].map((i) => face(resize(hr, 40 + i * 8, 40 + i * 8, 'bicubic'), i));
    const all = await createStabilityQuality(counting(backbone, calls), { batchSize: 2 }).estimate(faces);
    expect(calls).toEqual([12, 6]); // 6 views each: face, mirror, 4 shifts
    calls.length = 0;
    const flipOnly = await createStabilityQuality(counting(backbone, calls), { perturbations: ['flip'] }).estimate(faces);
    expect(calls).toEqual([6]);
    // Each face's score does not depend on its chunk.
    const single = await createStabilityQuality(backbone).estimate([faces[2]]);
    expect(all[2]).toBeCloseTo(single[0], 5);
    expect(flipOnly.every((v, i) => v !== all[i])).toBe(true);
  });

  it('refuses meaningless options', () => {
    expect(() => createStabilityQuality(backbone, { perturbations: [] })).toThrow(/at least one/);
    expect(() => createStabilityQuality(backbone, { perturbations: ['blur' as 'flip'] })).toThrow(/unknown perturbation "blur"/);
    expect(() => createStabilityQuality(backbone, { shiftPixels: 0 })).toThrow(/shiftPixels/);
  });
});
