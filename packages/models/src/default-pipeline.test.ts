import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosine, createImage, isSquintError, resize, type Box, type FaceEmbedding, type Pipeline, type RgbImage } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { createDefaultPipeline } from './plugin';

const require = createRequire(import.meta.url);

/** A region of an image, rounded to whole pixels. */
function crop(img: RgbImage, box: Box, inset = 0): RgbImage {
  const x0 = Math.round(box.x + box.width * inset);
  const y0 = Math.round(box.y + box.height * inset);
  const w = Math.round(box.width * (1 - 2 * inset));
  const h = Math.round(box.height * (1 - 2 * inset));
  const out = createImage(w, h);
  for (let y = 0; y < h; y++) out.data.set(img.data.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + w) * 3), y * w * 3);
  return out;
}

/** A faceless 400x400 image: soft diagonal gradient with a gentle ripple, like a wall. */
function wall(): RgbImage {
  const img = createImage(400, 400);
  for (let y = 0; y < 400; y++) {
    for (let x = 0; x < 400; x++) {
      const v = 90 + (x + y) / 8 + 12 * Math.sin(x / 23) * Math.cos(y / 31);
      img.data.set([v, v * 0.95, v * 0.85].map(Math.round), (y * 400 + x) * 3);
    }
  }
  return img;
}

const norm = (v: Float32Array) => Math.hypot(...v);

let pipeline: Pipeline;
let photo: RgbImage; // sample1.jpg at half size: three faces ~110 px tall
let embedded: FaceEmbedding[][]; // embedImages([photo, wall()])
let boxes: Box[]; // the three faces, left to right
let hr: Float32Array[]; // their embeddings

beforeAll(async () => {
  const runtime = createNodeRuntime({ threads: 2 });
  pipeline = await createDefaultPipeline(runtime);
  const full = await runtime.loadImage(require.resolve('@vladmandic/face-api/demo/sample1.jpg'));
  photo = resize(full, full.width / 2, full.height / 2, 'area');
  embedded = await pipeline.embedImages([photo, wall()]);
  // Left to right as people stand in the photo (the detector orders by score).
  const faces = [...embedded[0]].sort((a, b) => a.face.box!.x - b.face.box!.x);
  boxes = faces.map((f) => f.face.box!);
  hr = faces.map((f) => f.embedding);
}, 60_000);

describe('createDefaultPipeline on a real photo', () => {
  it('embedImages finds the three faces, aligned by landmarks, with unit-norm embeddings', () => {
    const [faces, none] = embedded;
    expect(none).toEqual([]);
    expect(faces).toHaveLength(3);
    for (const f of faces) {
      const box = f.face.box!;
      expect(f.face.alignment).toBe('landmarks');
      expect(f.face.sourceIndex).toBe(0);
      expect(box.height).toBeGreaterThan(90);
      expect(box.height).toBeLessThan(130);
      expect(f.face.landmarks).toHaveLength(5);
      for (const [x, y] of f.face.landmarks!) {
        expect(x).toBeGreaterThan(box.x);
        expect(x).toBeLessThan(box.x + box.width);
        expect(y).toBeGreaterThan(box.y);
        expect(y).toBeLessThan(box.y + box.height);
      }
      expect(f.embedding).toHaveLength(512);
      expect(norm(f.embedding)).toBeCloseTo(1, 5);
      expect(f.accepted).toBe(true);
      expect(f.quality).toBeUndefined();
    }
    // Three different people.
    expect(Math.max(cosine(hr[0], hr[1]), cosine(hr[0], hr[2]), cosine(hr[1], hr[2]))).toBeLessThan(0.4);
  });

  it('embedCrops aligns a 16x20 face crop without detection and still recognises whom it shows', async () => {
    const tiny = boxes.map((b) => resize(crop(photo, b), 16, 20, 'area'));
    const embedded = await pipeline.embedCrops(tiny);
    expect(embedded).toHaveLength(3);
    embedded.forEach((e, i) => {
      expect(['crop-landmarks', 'crop-template']).toContain(e.face.alignment);
      expect(e.face.box).toBeUndefined();
      expect(e.face.sourceIndex).toBe(i);
      // Aligned at native resolution: a 16 px crop stays about that size, not a 112 px upsample.
      expect(e.face.image.width).toBeLessThanOrEqual(32);
      expect(e.embedding).toHaveLength(512);
      expect(norm(e.embedding)).toBeCloseTo(1, 5);
      const scores = hr.map((h) => cosine(h, e.embedding));
      expect(scores.indexOf(Math.max(...scores))).toBe(i);
    });
  });

  it('detectAndAlign takes a small image without a detection as a crop, and a large one as no face', async () => {
    // At 16x20 the detector still finds the first face; at 12x15 it finds nothing (checked here,
    // so a change of detector shows up as such rather than as a puzzling crop failure).
    const detected = resize(crop(photo, boxes[0]), 16, 20, 'area');
    const undetected = resize(crop(photo, boxes[0]), 12, 15, 'area');
    expect((await pipeline.stages.detector!.detect([undetected]))[0]).toEqual([]);

    const [asCrop, faceless, found] = await pipeline.detectAndAlign([undetected, wall(), detected], { cropFallbackMaxSide: 64 });
    expect(asCrop).toHaveLength(1);
    expect(['crop-landmarks', 'crop-template']).toContain(asCrop[0].alignment);
    expect(asCrop[0].sourceIndex).toBe(0);
    expect(faceless).toEqual([]);
    // A detection always wins over the crop rule.
    expect(found).toHaveLength(1);
    expect(found[0].alignment).toBe('landmarks');

    // Without the option, or with a limit below the image, no detection means no face.
    expect(await pipeline.detectAndAlign([undetected])).toEqual([[]]);
    expect(await pipeline.detectAndAlign([undetected], { cropFallbackMaxSide: 14 })).toEqual([[]]);
    expect((await pipeline.detectAndAlign([undetected], { cropFallbackMaxSide: 15 }))[0]).toHaveLength(1);
  });

  it('embedBestFace: the best face per image, and a NO_FACE item naming the faceless one', async () => {
    const undetected = resize(crop(photo, boxes[1]), 12, 15, 'area');
    const results = await pipeline.embedBestFace([photo, wall(), undetected], {
      labels: ['sample1.jpg', 'wall.png', 'tiny.png'],
      cropFallbackMaxSide: 64,
    });
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    const [best, noFace, tiny] = results;
    if (!best.ok || noFace.ok || !tiny.ok) throw new Error('unreachable');

    // The highest-scoring detection of the photo, embedded as embedImages embeds it.
    const [all] = await pipeline.detectAndAlign([photo]);
    const top = Math.max(...all.map((f) => f.detectionScore!));
    expect(best.value.face.detectionScore).toBe(top);
    const k = boxes.findIndex((b) => Math.abs(b.x - best.value.face.box!.x) < 1e-6);
    expect(cosine(best.value.embedding, hr[k])).toBeGreaterThan(0.9999);

    expect(isSquintError(noFace.error, 'NO_FACE')).toBe(true);
    expect(noFace.error.input).toBe('wall.png');
    expect(noFace.error.message).toBe('wall.png: no face detected');

    expect(['crop-landmarks', 'crop-template']).toContain(tiny.value.face.alignment);
    expect(tiny.value.face.sourceIndex).toBe(2);
    expect(norm(tiny.value.embedding)).toBeCloseTo(1, 5);
  });
});
