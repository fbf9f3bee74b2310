import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createImage, isSquintError, resize, type Box, type DetectedFace, type RgbImage } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { iou } from './nms';
import { createUltraFaceDetector, type UltraFaceDetector } from './ultraface-detector';

const runtime = createNodeRuntime();
const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
/** Faces counted by eye in face-api's demo photos sample1..6 (1920 px wide, faces ~200-300 px). */
const FACES = [3, 3, 3, 4, 5, 4];

let photos: RgbImage[];
let pyramid: UltraFaceDetector;
let single: UltraFaceDetector;
let found: DetectedFace[][];

beforeAll(async () => {
  photos = await Promise.all(FACES.map((_, i) => runtime.loadImage(join(demo, `sample${i + 1}.jpg`))));
  pyramid = await createUltraFaceDetector(runtime);
  single = await createUltraFaceDetector(runtime, { pyramid: false });
  found = await single.detect(photos);
});

/**
 * The six photos shrunk so their faces are `face` px tall, pasted apart on a 1600x1200 gray
 * canvas: a big photo with a crowd of small faces. Truth boxes come from the full-size photos.
 */
function smallFaceMosaic(face: number): { image: RgbImage; truth: Box[] } {
  const W = 1600, H = 1200;
  const image = createImage(W, H);
  image.data.fill(128);
  const truth: Box[] = [];
  photos.forEach((photo, i) => {
    const boxes = found[i].map((f) => f.box);
    const s = face / (boxes.reduce((a, b) => a + b.height, 0) / boxes.length);
    const w = Math.round(photo.width * s), h = Math.round(photo.height * s);
    const small = resize(photo, w, h, 'area');
    const ox = 100 + (i % 3) * 500, oy = 200 + Math.floor(i / 3) * 500;
    for (let y = 0; y < h; y++) image.data.set(small.data.subarray(y * w * 3, (y + 1) * w * 3), ((oy + y) * W + ox) * 3);
    for (const b of boxes) truth.push({ x: ox + (b.x * w) / photo.width, y: oy + (b.y * h) / photo.height, width: (b.width * w) / photo.width, height: (b.height * h) / photo.height });
  });
  return { image, truth };
}

const hits = (faces: DetectedFace[], truth: Box[]) => truth.filter((t) => faces.some((f) => iou(f.box, t) > 0.3)).length;

describe('createUltraFaceDetector', () => {
  it('finds the faces of the group photos, one box each, best first', () => {
    expect(found.map((faces) => faces.length)).toEqual(FACES);
    for (const faces of found) {
      for (const f of faces) {
        expect(f.score).toBeGreaterThanOrEqual(0.7);
        expect(f.box.height).toBeGreaterThan(150);
        expect(f.box.height).toBeLessThan(350);
      }
      expect(faces.map((f) => f.score)).toEqual([...faces.map((f) => f.score)].sort((a, b) => b - a));
    }
  });

  it('with the pyramid, still finds exactly the big faces, adding at most a few tiny false ones', async () => {
    const withPyramid = await pyramid.detect(photos);
    withPyramid.forEach((faces, i) => {
      const big = faces.filter((f) => f.box.height > 100);
      expect(big).toHaveLength(FACES[i]);
      expect(hits(big, found[i].map((f) => f.box))).toBe(FACES[i]);
      expect(faces.length - big.length).toBeLessThanOrEqual(3);
      for (const f of faces.filter((x) => x.box.height <= 100)) expect(f.box.height).toBeLessThan(40);
    });
  });

  it('finds ~20 px faces in a large image with the pyramid, where one whole-image pass cannot', async () => {
    const { image, truth } = smallFaceMosaic(20);
    expect(truth).toHaveLength(22);
    const [many] = await pyramid.detect([image]);
    const [few] = await single.detect([image]);
    expect(hits(many, truth)).toBeGreaterThanOrEqual(18); // measured: 21 of 22
    expect(many.length - hits(many, truth)).toBeLessThanOrEqual(2);
    expect(hits(few, truth)).toBeLessThanOrEqual(2); // measured: 0
    for (const f of many) expect(f.box.height).toBeLessThan(30);
  });

  it('plans no tiles beyond the whole image when pyramid is off or faces are big anyway', () => {
    expect(single.plan(1920, 1280).tiles).toHaveLength(1);
    expect(pyramid.plan(1920, 1280).tiles.length).toBeGreaterThan(20);
    expect(pyramid.plan(320, 240).tiles).toHaveLength(1);
  });

  it('returns no faces for an image without any, and a list per image', async () => {
    const flat = createImage(640, 480);
    flat.data.fill(90);
    const out = await pyramid.detect([flat, photos[0], createImage(0, 0)]);
    expect(out[0]).toEqual([]);
    expect(out[1].length).toBeGreaterThanOrEqual(3);
    expect(out[2]).toEqual([]);
    expect(await pyramid.detect([])).toEqual([]);
  });

  it('rejects nonsensical options', async () => {
    for (const options of [{ scoreThreshold: 1.5 }, { minFaceSize: 0 }, { maxTiles: 0 }]) {
      await expect(createUltraFaceDetector(runtime, options)).rejects.toSatisfy((e: unknown) => isSquintError(e, 'INVALID_ARGUMENT'));
    }
  });
});
