import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createGallery, createPipeline, resize } from '@squint/core';
import { createDefaultPipeline } from '@squint/models';
import { createNodeRuntime } from '@squint/node';
import { createClassicalQuality } from './classical-quality';

const require = createRequire(import.meta.url);

// Lives here rather than in @squint/models: models must not depend on a quality plugin.
describe('minQuality gating in the default pipeline (detector path)', () => {
  it('identifies the ~110 px faces of a photo and refuses to match the same faces at ~28 px', async () => {
    const runtime = createNodeRuntime({ threads: 2 });
    const base = await createDefaultPipeline(runtime);
    const pipeline = createPipeline({ ...base.stages, quality: createClassicalQuality() }, { minQuality: 0.7 });
    const full = await runtime.loadImage(require.resolve('@vladmandic/face-api/demo/sample1.jpg'));
    const near = resize(full, 960, 640, 'area');
    const far = resize(full, 240, 160, 'area');

    const [nearFaces, farFaces] = await pipeline.embedImages([near, far]);
    expect(nearFaces).toHaveLength(3);
    expect(farFaces).toHaveLength(3);
    const gallery = createGallery({ modelId: pipeline.modelId, dim: pipeline.dim });
    nearFaces.forEach((f, i) => gallery.add(`person${i}`, f.embedding));

    const [nearIds, farIds] = await pipeline.identifyImages([near, far], gallery, 2);
    for (const f of nearIds) {
      expect(f.quality).toBeGreaterThan(0.7);
      expect(f.accepted).toBe(true);
      expect(f.matches).toHaveLength(2);
      expect(f.matches[0].score).toBeGreaterThan(0.99);
    }
    for (const f of farIds) {
      expect(f.face.box!.height).toBeLessThan(40);
      expect(f.quality).toBeLessThan(0.7);
      expect(f.accepted).toBe(false);
      // Still embedded (for logs and review), never matched.
      expect(f.embedding).toHaveLength(512);
      expect(f.matches).toEqual([]);
    }
  });
});
