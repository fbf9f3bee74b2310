// Measures how well the default detector's box predicts landmark alignment, and fits the
// crop-to-template rule (core alignment.ts CROP_TEMPLATE_RULE: box centre -> output centre +
// (ox, oy), box side L = (w + h) / 2 -> 112 k pixels) to the ArcFace similarity transforms that
// the 68-point landmarks give. Run from the repository root:
//   node --conditions=@squint/source --import tsx packages/models/scripts/fit-crop-rule.ts [images...]
// Default images: the face-api demo's group photos. Prints per-face values and a JSON summary.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  ARCFACE_TEMPLATE_112, affineScale, applyAffine, cropTemplateTransform, similarityTransform, type Point,
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

interface FaceFit { file: string; k: number; ox: number; oy: number; angleDeg: number; L: number }
const fits: FaceFit[] = [];
for (const file of files) {
  const image = await runtime.loadImage(file);
  const [faces] = await detector.detect([image]);
  const points = await landmarker.locate(image, faces.map((f) => f.box));
  faces.forEach((f, i) => {
    const { x, y, width, height } = f.box;
    const L = (width + height) / 2;
    const t = similarityTransform(points[i], ARCFACE_TEMPLATE_112 as Point[]);
    const s = affineScale(t);
    const [cx, cy] = applyAffine(t, [x + width / 2 - 0.5, y + height / 2 - 0.5]);
    fits.push({ file, k: (s * L) / 112, ox: cx - CENTRE, oy: cy - CENTRE, angleDeg: (Math.atan2(t[3], t[0]) * 180) / Math.PI, L });
  });
}

for (const f of fits) {
  console.log(`${f.file.split('/').pop()}  L=${f.L.toFixed(0)}  k=${f.k.toFixed(3)}  ox=${f.ox.toFixed(2)}  oy=${f.oy.toFixed(2)}  roll=${f.angleDeg.toFixed(1)}°`);
}
const rule = { k: stats(fits.map((f) => f.k)), ox: stats(fits.map((f) => f.ox)), oy: stats(fits.map((f) => f.oy)) };

// How far the five template points land from where landmarks put them, box rule vs identity.
async function residual(r: { k: number; ox: number; oy: number }): Promise<number> {
  let sum = 0, n = 0;
  for (const file of files) {
    const image = await runtime.loadImage(file);
    const [faces] = await detector.detect([image]);
    const points = await landmarker.locate(image, faces.map((f) => f.box));
    faces.forEach((f, i) => {
      const m = cropTemplateTransform(f.box, 112, r);
      points[i].forEach((p, j) => {
        const q = applyAffine(m, p);
        sum += Math.hypot(q[0] - ARCFACE_TEMPLATE_112[j][0], q[1] - ARCFACE_TEMPLATE_112[j][1]);
        n++;
      });
    });
  }
  return +(sum / n).toFixed(2);
}
const fitted = { k: rule.k.mean, ox: rule.ox.mean, oy: rule.oy.mean };
console.log(JSON.stringify({
  faces: fits.length,
  images: files.length,
  rule,
  inverseScaleRatio: stats(fits.map((f) => 1 / f.k)),
  meanPointErrorPx112: { fitted: await residual(fitted), identity: await residual({ k: 1, ox: 0, oy: 0 }) },
}, null, 2));
