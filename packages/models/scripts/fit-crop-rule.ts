// Measures how well the default detector's box predicts landmark alignment, and fits the
// crop-to-template rule (core alignment.ts CROP_TEMPLATE_RULE: box centre -> output centre +
// (ox, oy), box side L = (w + h) / 2 -> 112 k pixels) to the ArcFace similarity transforms that
// the 68-point landmarks give. Run from the repository root:
//   node --conditions=@squint/source --import tsx packages/models/scripts/fit-crop-rule.ts [images...]
// Default images: the face-api demo's group photos, each also mirrored. Prints per-face values and
// a JSON summary (mean, sd, median of k, ox, oy; box-only alignment error with the fitted rule).
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import {
  ARCFACE_TEMPLATE_112, affineScale, flipHorizontal, applyAffine, cropTemplateTransform, similarityTransform,
  type Box, type CropTemplateRule, type Point,
} from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { createLandmarker68, createUltraFaceDetector } from '@squint/models';

const CENTRE = 55.5; // (112 - 1) / 2: the output centre in pixel-centre coordinates, as alignment.ts uses

function demoPhotos(): string[] {
  const dir = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
  return [1, 2, 3, 4, 5, 6].map((i) => join(dir, `sample${i}.jpg`));
}

const stats = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  const median = [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { mean: +mean.toFixed(4), sd: +sd.toFixed(4), median: +median.toFixed(4) };
};

const files = process.argv.slice(2).length ? process.argv.slice(2) : demoPhotos();
const runtime = createNodeRuntime();
const detector = await createUltraFaceDetector(runtime);
const landmarker = await createLandmarker68(runtime);

/** Landmarks of smaller faces are too coarse to fit against (and on the demo photos, all are false positives). */
const MIN_SIDE = 48;

interface Measured { file: string; mirrored: boolean; box: Box; points: Point[] }
const measured: Measured[] = [];
for (const file of files) {
  const original = await runtime.loadImage(file);
  // Mirrored copies too: a face's yaw moves its box sideways against its landmarks, and a few
  // photos are not balanced in yaw; with both mirror images, ox measures the detector, not the photos.
  for (const mirrored of [false, true]) {
    const image = mirrored ? flipHorizontal(original) : original;
    const [faces] = await detector.detect([image]);
    const kept = faces.filter((f) => (f.box.width + f.box.height) / 2 >= MIN_SIDE);
    const points = await landmarker.locate(image, kept.map((f) => f.box));
    kept.forEach((f, i) => measured.push({ file, mirrored, box: f.box, points: points[i] }));
  }
}

const fits = measured.map(({ file, mirrored, box, points }) => {
  const { x, y, width, height } = box;
  const L = (width + height) / 2;
  const t = similarityTransform(points, ARCFACE_TEMPLATE_112 as Point[]);
  const [cx, cy] = applyAffine(t, [x + width / 2 - 0.5, y + height / 2 - 0.5]);
  return { file: mirrored ? `${basename(file)} (mirrored)` : basename(file), mirrored, L, k: (affineScale(t) * L) / 112, ox: cx - CENTRE, oy: cy - CENTRE, rollDeg: (Math.atan2(t[3], t[0]) * 180) / Math.PI };
});
for (const f of fits) {
  console.log(`${f.file}  L=${f.L.toFixed(0)}  k=${f.k.toFixed(3)}  ox=${f.ox.toFixed(2)}  oy=${f.oy.toFixed(2)}  roll=${f.rollDeg.toFixed(1)}deg`);
}
const rule = { k: stats(fits.map((f) => f.k)), ox: stats(fits.map((f) => f.ox)), oy: stats(fits.map((f) => f.oy)) };
const originalsOnly = fits.filter((f) => !f.mirrored);
const unmirrored = { k: stats(originalsOnly.map((f) => f.k)), ox: stats(originalsOnly.map((f) => f.ox)), oy: stats(originalsOnly.map((f) => f.oy)) };

/** Mean distance (112-template px) between the template points and where box-only alignment puts the landmarks. */
function pointError(r: CropTemplateRule): number {
  let sum = 0, n = 0;
  for (const { box, points } of measured) {
    const m = cropTemplateTransform(box, 112, r);
    points.forEach((p, j) => {
      const q = applyAffine(m, p);
      sum += Math.hypot(q[0] - ARCFACE_TEMPLATE_112[j][0], q[1] - ARCFACE_TEMPLATE_112[j][1]);
      n++;
    });
  }
  return +(sum / n).toFixed(2);
}
const fitted = { k: rule.k.mean, ox: rule.ox.mean, oy: rule.oy.mean };
console.log(JSON.stringify({
  images: files.length,
  faces: fits.length,
  minSide: MIN_SIDE,
  rule,
  unmirroredOnly: unmirrored,
  /** 112 / (L s): the inverse of k, for readers who think in "box pixels per template pixel". */
  inverseK: stats(fits.map((f) => 1 / f.k)),
  meanPointErrorPx112: { fittedMean: pointError(fitted), identity: pointError({ k: 1, ox: 0, oy: 0 }) },
}, null, 2));
