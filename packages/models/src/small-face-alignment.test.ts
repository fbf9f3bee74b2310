import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ARCFACE_TEMPLATE_112, DEFAULT_SMALL_FACE_SIZE, applyAffine, cosine, createPipeline, cropTemplateTransform, invertAffine, isSquintError, resize,
  type AlignedFace, type Box, type Detector, type Pipeline, type Point, type RgbImage,
} from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { createDefaultPipeline } from './plugin';

const require = createRequire(import.meta.url);

/** A detector that reports boxes it is given, as a tracker hands over the boxes it follows. */
const knownBoxes = (boxes: Box[]): Detector => ({ name: 'known-boxes', detect: async (images) => images.map(() => boxes.map((box) => ({ box, score: 1 }))) });

const byX = (faces: AlignedFace[]) => [...faces].sort((a, b) => a.box!.x - b.box!.x);

let pipeline: Pipeline; // the default: smallFaceSize 24, smallFacePrior 0.25
let hr: Float32Array[]; // the three faces of sample1.jpg at half size (~110 px), left to right
let small: RgbImage; // the same photo shrunk so its faces are ~18 px tall
let found: AlignedFace[]; // detectAndAlign([small]), left to right

beforeAll(async () => {
  const runtime = createNodeRuntime({ threads: 2 });
  pipeline = await createDefaultPipeline(runtime);
  const full = await runtime.loadImage(require.resolve('@vladmandic/face-api/demo/sample1.jpg'));
  const photo = resize(full, full.width / 2, full.height / 2, 'area');
  const [faces] = await pipeline.embedImages([photo]);
  hr = [...faces].sort((a, b) => a.face.box!.x - b.face.box!.x).map((f) => f.embedding);
  const s = 18 / Math.max(...faces.map((f) => f.face.box!.height));
  small = resize(photo, Math.round(photo.width * s), Math.round(photo.height * s), 'area');
  found = byX((await pipeline.detectAndAlign([small]))[0]);
}, 60_000);

describe('small detections (below smallFaceSize)', () => {
  it('are landmarked on an upscaled copy, pulled 25% toward the box rule, and still recognised', async () => {
    expect(found).toHaveLength(3);
    const onBox = await pipeline.stages.landmarker!.locate(small, found.map((f) => f.box!));
    const unpulled = byX((await createPipeline(pipeline.stages, { smallFacePrior: 0 }).detectAndAlign([small]))[0]);
    const embedded = await pipeline.embedAligned(found);
    found.forEach((f, i) => {
      expect(f.box!.height).toBeLessThan(DEFAULT_SMALL_FACE_SIZE);
      expect(f.alignment).toBe('landmarks');
      // Not the points of the box as it is (the old behaviour)...
      const moved = Math.max(...f.landmarks!.map((p, k) => Math.hypot(p[0] - onBox[i][k][0], p[1] - onBox[i][k][1])));
      expect(moved).toBeGreaterThan(0.05);
      // ...but 3/4 of the upscaled copy's points plus 1/4 of where the box rule puts them.
      const toBox = invertAffine(cropTemplateTransform(f.box!));
      f.landmarks!.forEach(([x, y], k) => {
        const [rx, ry] = applyAffine(toBox, ARCFACE_TEMPLATE_112[k] as Point);
        const [ux, uy] = unpulled[i].landmarks![k];
        expect(x).toBeCloseTo(0.75 * ux + 0.25 * rx, 6);
        expect(y).toBeCloseTo(0.75 * uy + 0.25 * ry, 6);
      });
      // Aligned at native resolution, and the right person among the three.
      expect(f.image.width).toBeLessThanOrEqual(24);
      const scores = hr.map((h) => cosine(h, embedded[i].embedding));
      expect(scores.indexOf(Math.max(...scores))).toBe(i);
    });
  });

  it('smallFaceSize 0 restores landmarks on the box as it is', async () => {
    const old = byX((await createPipeline(pipeline.stages, { smallFaceSize: 0 }).detectAndAlign([small]))[0]);
    const onBox = await pipeline.stages.landmarker!.locate(small, old.map((f) => f.box!));
    old.forEach((f, i) => {
      expect(f.alignment).toBe('landmarks');
      expect(f.landmarks).toEqual(onBox[i]);
    });
  });

  it('a small box whose points are implausible is aligned by the box rule, and says so', async () => {
    // A box across the whole group at the middle face's height (a tracker's merged box): the landmark
    // model still answers, face-shaped points on the middle face, far too small for such a box.
    const x0 = Math.min(...found.map((f) => f.box!.x)), x1 = Math.max(...found.map((f) => f.box!.x + f.box!.width));
    const group: Box = { x: x0, y: found[1].box!.y, width: x1 - x0, height: found[1].box!.height };
    expect(group.height).toBeLessThan(DEFAULT_SMALL_FACE_SIZE);
    expect(group.width).toBeGreaterThan(3 * group.height);
    const stages = { ...pipeline.stages, detector: knownBoxes([group]) };
    const [[face]] = await createPipeline(stages).detectAndAlign([small]);
    expect(face.alignment).toBe('crop-template');
    expect(face.landmarks).toBeUndefined();
    expect(face.box).toEqual(group);
    // Exactly the rule's map, at the native output size.
    const rule = cropTemplateTransform(group);
    const k = face.image.width / 112;
    expect(face.transform![0]).toBeCloseTo(rule[0] * k, 9);
    expect(face.transform![2]).toBeCloseTo((rule[2] + 0.5) * k - 0.5, 9);
    expect(face.transform![5]).toBeCloseTo((rule[5] + 0.5) * k - 0.5, 9);
    // The old behaviour trusted whatever the landmark model answered.
    const [[trusted]] = await createPipeline(stages, { smallFaceSize: 0 }).detectAndAlign([small]);
    expect(trusted.alignment).toBe('landmarks');
  });

  it('rejects out-of-range options', () => {
    for (const options of [{ smallFaceSize: -1 }, { smallFacePrior: 1.5 }, { smallFacePrior: Number.NaN }]) {
      let error: unknown;
      try { createPipeline(pipeline.stages, options); } catch (e) { error = e; }
      expect(isSquintError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
