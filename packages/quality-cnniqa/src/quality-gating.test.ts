import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { createPipeline, createTemplateAligner, resize, type RgbImage } from '@squint/core';
import { createEmbeddingBackbone } from '@squint/models';
import { createNodeRuntime, loadImage } from '@squint/node';
import { createClassicalQuality } from './classical-quality';

const require = createRequire(import.meta.url);

/** A 3x3 box blur, the kind of softness a tracker crop from a distant camera has. */
function boxBlur(img: RgbImage): RgbImage {
  const { width: w, height: h } = img;
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0, n = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy, xx = x + dx;
          if (yy >= 0 && yy < h && xx >= 0 && xx < w) { s += img.data[(yy * w + xx) * 3 + c]; n++; }
        }
        out[(y * w + x) * 3 + c] = Math.round(s / n);
      }
    }
  }
  return { width: w, height: h, data: out };
}

describe('quality gating in a core Pipeline', () => {
  it('rejects a tiny blurred crop and accepts the HR crop of the same face', async () => {
    const runtime = createNodeRuntime({ threads: 1 });
    const pipeline = createPipeline(
      { aligner: createTemplateAligner(), backbone: await createEmbeddingBackbone(runtime), quality: createClassicalQuality() },
      { minQuality: 0.35 },
    );
    const photo = await loadImage(require.resolve('@vladmandic/face-api/demo/sample2.jpg'));
    const s = Math.min(photo.width, photo.height);
    const hr = resize(photo, Math.round((photo.width * 112) / s), Math.round((photo.height * 112) / s), 'area');
    const tiny = boxBlur(resize(hr, 14, 14, 'area'));
    const [big, small] = await pipeline.embedCrops([hr, tiny]);
    expect(big.accepted).toBe(true);
    expect(big.quality).toBeGreaterThan(0.7);
    expect(small.accepted).toBe(false);
    expect(small.quality).toBeLessThan(0.35);
    // Rejected faces are still embedded (for logging / later review), just never matched.
    expect(small.embedding).toHaveLength(512);
  });
});
