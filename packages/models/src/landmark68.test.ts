import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flipHorizontal, type DetectedFace, type Point, type RgbImage } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { createLandmarker68, fivePointsFrom68, type Landmarker68 } from './landmark68';
import { createUltraFaceDetector } from './ultraface-detector';

const runtime = createNodeRuntime();
const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');

let photos: RgbImage[];
let faces: DetectedFace[][];
let landmarker: Landmarker68;

beforeAll(async () => {
  photos = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => runtime.loadImage(join(demo, `sample${i}.jpg`))));
  faces = await (await createUltraFaceDetector(runtime, { pyramid: false })).detect(photos);
  landmarker = await createLandmarker68(runtime);
});

/** The face's own frame: x along the eye line, y down the face (photos have heads tilted up to ~45 deg). */
function upright(p: Point[]): Point[] {
  const [le, re] = p;
  const a = Math.atan2(re[1] - le[1], re[0] - le[0]);
  const c = Math.cos(-a), s = Math.sin(-a);
  return p.map(([x, y]) => [c * x - s * y, s * x + c * y]);
}

describe('createLandmarker68', () => {
  it('gives five points in face order, inside the detection box', async () => {
    let count = 0;
    for (let i = 0; i < photos.length; i++) {
      const points = await landmarker.locate(photos[i], faces[i].map((f) => f.box));
      expect(points).toHaveLength(faces[i].length);
      points.forEach((p, j) => {
        const { x, y, width, height } = faces[i][j].box;
        expect(p).toHaveLength(5);
        for (const [px, py] of p) {
          expect(px).toBeGreaterThan(x);
          expect(px).toBeLessThan(x + width);
          expect(py).toBeGreaterThan(y);
          expect(py).toBeLessThan(y + height);
        }
        // Image-left eye left of image-right eye, in the image and (for tilted heads) in the face's frame.
        expect(p[0][0]).toBeLessThan(p[1][0]);
        const [le, re, nose, lm, rm] = upright(p);
        expect(lm[0]).toBeLessThan(rm[0]);
        expect(nose[1]).toBeGreaterThan(Math.max(le[1], re[1]));
        expect(Math.min(lm[1], rm[1])).toBeGreaterThan(nose[1]);
        // Eyes 10-60% of the box height apart (a profile face brings them close): a face-sized
        // pattern, not a collapsed or exploded one.
        const eyes = Math.hypot(re[0] - le[0], re[1] - le[1]);
        expect(eyes / height).toBeGreaterThan(0.1);
        expect(eyes / height).toBeLessThan(0.6);
        count++;
      });
    }
    expect(count).toBe(22);
  });

  it('finds mirrored points on a mirrored photo', async () => {
    const photo = photos[2];
    const boxes = faces[2].map((f) => f.box);
    const mirrored = flipHorizontal(photo);
    const direct = await landmarker.locate(photo, boxes);
    const flipped = await landmarker.locate(mirrored, boxes.map((b) => ({ ...b, x: photo.width - b.x - b.width })));
    direct.forEach((p, j) => {
      // Mirroring swaps left and right: eye 0 <-> eye 1, mouth 3 <-> 4.
      const back = [1, 0, 2, 4, 3].map((k) => [photo.width - 1 - flipped[j][k][0], flipped[j][k][1]]);
      const err = p.reduce((a, q, k) => a + Math.hypot(q[0] - back[k][0], q[1] - back[k][1]), 0) / 5;
      expect(err / boxes[j].height).toBeLessThan(0.05);
    });
  });

  it('answers an empty list for an unusable box and nothing for no boxes', async () => {
    const box = faces[0][0].box;
    const out = await landmarker.locate(photos[0], [{ x: 0, y: 0, width: 0, height: 0 }, box, { x: NaN, y: 0, width: 10, height: 10 }]);
    expect(out[0]).toEqual([]);
    expect(out[1]).toHaveLength(5);
    expect(out[2]).toEqual([]);
    expect(await landmarker.locate(photos[0], [])).toEqual([]);
  });

  it('batches: many boxes in one call give the same points as one at a time', async () => {
    const boxes = faces[4].map((f) => f.box);
    const together = await landmarker.locate68(photos[4], boxes);
    for (let j = 0; j < boxes.length; j++) {
      const [alone] = await landmarker.locate68(photos[4], [boxes[j]]);
      alone.forEach((p, k) => {
        expect(p[0]).toBeCloseTo(together[j][k][0], 3);
        expect(p[1]).toBeCloseTo(together[j][k][1], 3);
      });
    }
  });
});

describe('fivePointsFrom68', () => {
  it('averages the eye contours and picks nose tip and mouth corners', () => {
    const p = Array.from({ length: 68 }, (_, i) => [i, 2 * i] as Point);
    expect(fivePointsFrom68(p)).toEqual([[38.5, 77], [44.5, 89], [30, 60], [48, 96], [54, 108]]);
  });
});
