import { describe, expect, it } from 'vitest';
import { alignGiven, createTemplateAligner, CROP_TEMPLATE_RULE } from './alignment';
import type { Affine, Point } from './geometry';
import type { RgbImage } from './image';
import { affineScale, applyAffine, invertAffine } from './similarity';
import { ARCFACE_TEMPLATE_112, scaleTemplate } from './template';

function similarity(angle: number, scale: number, tx: number, ty: number): Affine {
  const c = Math.cos(angle) * scale, s = Math.sin(angle) * scale;
  return [c, -s, tx, s, c, ty];
}

/** Gaussian dots at `points` on black: landmarks that can be found again after warping. */
function dots(width: number, height: number, points: Point[], sigma: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (const [px, py] of points) v += Math.exp(-((x - px) ** 2 + (y - py) ** 2) / (2 * sigma * sigma));
      data.fill(Math.round(255 * Math.min(1, v)), (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { width, height, data };
}

/** Intensity centroid in a window around `near`. */
function centroid(img: RgbImage, near: Point, radius: number): Point {
  let sw = 0, sx = 0, sy = 0;
  for (let y = Math.round(near[1]) - radius; y <= Math.round(near[1]) + radius; y++) {
    for (let x = Math.round(near[0]) - radius; x <= Math.round(near[0]) + radius; x++) {
      const v = img.data[(y * img.width + x) * 3];
      sw += v; sx += v * x; sy += v * y;
    }
  }
  return [sx / sw, sy / sw];
}

describe('createTemplateAligner', () => {
  it('brings the five points within 0.3 px of the template (rotated, scaled faces)', () => {
    const aligner = createTemplateAligner();
    // Faces 1.8x and 3.5x the template size (the second exercises the anti-aliasing path).
    for (const [angle, scale, tx, ty, size] of [[0.35, 1.8, 40, 10, 260], [-0.5, 3.5, 20, 160, 500]]) {
      const toSource = similarity(angle, scale, tx, ty);
      const landmarks = ARCFACE_TEMPLATE_112.map((p) => applyAffine(toSource, p));
      const image = dots(size, size, landmarks, 1.6 * scale);
      const [face] = aligner.align(image, [{ box: { x: 0, y: 0, width: size, height: size }, score: 0.9, landmarks }], 3);
      expect(face.image.width).toBe(112);
      expect(face.alignment).toBe('landmarks');
      expect(face.sourceIndex).toBe(3);
      expect(face.detectionScore).toBe(0.9);
      for (const t of ARCFACE_TEMPLATE_112) {
        const [x, y] = centroid(face.image, t, 8);
        expect(Math.hypot(x - t[0], y - t[1])).toBeLessThan(0.3);
      }
    }
  });

  it('keeps small faces at native resolution', () => {
    const aligner = createTemplateAligner();
    const image: RgbImage = { width: 200, height: 200, data: new Uint8Array(200 * 200 * 3) };
    const sideFor = (faceScale: number, a = aligner) => {
      const landmarks = ARCFACE_TEMPLATE_112.map((p) => applyAffine(similarity(0.2, faceScale, 50, 60), p));
      const [face] = a.align(image, [{ box: { x: 50, y: 60, width: 10, height: 10 }, score: 1, landmarks }], 0);
      expect(face.image.width).toBe(face.image.height);
      return { face, landmarks };
    };
    const { face, landmarks } = sideFor(16 / 112);
    expect(face.image.width).toBe(16);
    const small = scaleTemplate(ARCFACE_TEMPLATE_112, 16, 112);
    landmarks.forEach((p, i) => {
      const q = applyAffine(face.transform!, p);
      expect(q[0]).toBeCloseTo(small[i][0], 6);
      expect(q[1]).toBeCloseTo(small[i][1], 6);
    });
    expect(affineScale(face.transform!)).toBeCloseTo(1, 6);
    expect(sideFor(40 / 112).face.image.width).toBe(40);
    expect(sideFor(1).face.image.width).toBe(112);
    expect(sideFor(1.5).face.image.width).toBe(112);
    expect(sideFor(3 / 112).face.image.width).toBe(8);
    expect(sideFor(16 / 112, createTemplateAligner({ nativeResolution: false })).face.image.width).toBe(112);
    expect(sideFor(16 / 112, createTemplateAligner({ maxNativeUpscale: 2 })).face.image.width).toBe(32);
    expect(sideFor(100 / 112, createTemplateAligner({ size: 224 })).face.image.width).toBe(100);
  });

  it('maps a box by the crop-to-template rule when there are no landmarks', () => {
    const aligner = createTemplateAligner();
    const image: RgbImage = { width: 300, height: 300, data: new Uint8Array(300 * 300 * 3) };
    const box = { x: 100, y: 80, width: 150, height: 130 };
    const [face] = aligner.align(image, [{ box, score: 0.5 }], 1);
    expect(face.alignment).toBe('crop-template');
    expect(face.image.width).toBe(112);
    const centre = applyAffine(face.transform!, [box.x + box.width / 2 - 0.5, box.y + box.height / 2 - 0.5]);
    expect(centre[0]).toBeCloseTo(55.5 + CROP_TEMPLATE_RULE.ox, 9);
    expect(centre[1]).toBeCloseTo(55.5 + CROP_TEMPLATE_RULE.oy, 9);
    expect(affineScale(face.transform!)).toBeCloseTo((112 * CROP_TEMPLATE_RULE.k) / 140, 9);
  });

  it('aligns crops: by landmarks when given, else the whole crop is the box', () => {
    const aligner = createTemplateAligner({ cropRule: { k: 1, ox: 0, oy: 0 } });
    const crop = dots(16, 16, [[5, 6], [11, 9]], 1.5);
    const byRule = aligner.alignCrop(crop, undefined, 2);
    expect(byRule.alignment).toBe('crop-template');
    expect(byRule.sourceIndex).toBe(2);
    // With k = 1 and no offset a square crop maps onto the output unchanged.
    expect(byRule.image.width).toBe(16);
    expect(Array.from(byRule.image.data)).toEqual(Array.from(crop.data));

    const landmarks = scaleTemplate(ARCFACE_TEMPLATE_112, 16, 112).map((p) => applyAffine(similarity(0.1, 1, 0.5, -0.3), p));
    const byLandmarks = aligner.alignCrop(crop, landmarks, 2);
    expect(byLandmarks.alignment).toBe('crop-landmarks');
    expect(byLandmarks.landmarks).toBe(landmarks);
    const back = applyAffine(invertAffine(byLandmarks.transform!), scaleTemplate(ARCFACE_TEMPLATE_112, 16, 112)[0]);
    expect(Math.hypot(back[0] - landmarks[0][0], back[1] - landmarks[0][1])).toBeLessThan(1e-6);
  });

  it('refuses landmark sets that do not match the template', () => {
    const aligner = createTemplateAligner();
    const image: RgbImage = { width: 10, height: 10, data: new Uint8Array(300) };
    const face = { box: { x: 0, y: 0, width: 10, height: 10 }, score: 1, landmarks: [[1, 1], [2, 2]] as Point[] };
    expect(() => aligner.align(image, [face], 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createTemplateAligner({ size: 4 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('wraps already aligned faces', () => {
    const image: RgbImage = { width: 112, height: 112, data: new Uint8Array(112 * 112 * 3) };
    expect(alignGiven(image, 4)).toEqual({ image, alignment: 'given', sourceIndex: 4 });
  });
});
