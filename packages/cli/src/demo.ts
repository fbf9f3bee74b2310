import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGallery, resize, type Box, type FaceEmbedding, type RgbImage } from '@squint/core';
import { iou } from '@squint/models';
import type { CliContext } from './context';
import { startProgress } from './progress';

/**
 * The demo: enrol every face of six group photos at full resolution, then pretend the camera is
 * far away by shrinking each photo so its faces are ~64/32/24/16 px tall, detect and identify
 * again. Ground truth comes from box positions: an LR detection is the HR face whose scaled box
 * it overlaps most (IoU >= 0.3).
 */
export const DEMO_PHOTOS_DIR = fileURLToPath(new URL('../assets/demo/', import.meta.url));

export interface DemoFace {
  identity: string;
  hrCrop: RgbImage;
  hrBox: Box;
}

export interface DemoProbe {
  identity: string;
  lrCrop?: RgbImage;
  found: boolean;
  predicted?: string;
  score?: number;
  /** Identity predicted from the LR face aligned with the known (scaled HR) landmarks: recognition alone. */
  predictedGivenBox?: string;
}

export interface DemoDistance {
  faceHeight: number;
  faces: number;
  found: number;
  correct: number;
  correctGivenBox: number;
  falseDetections: number;
  ms: number;
  probes: DemoProbe[];
}

export interface DemoResult {
  photos: string[];
  enrolled: DemoFace[];
  distances: DemoDistance[];
  totalMs: number;
}

/** Smallest face (box height, px) the demo enrols from the full-resolution photos. */
export const ENROL_MIN_FACE = 32;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const scaleBox = (b: Box, s: number): Box => ({ x: b.x * s, y: b.y * s, width: b.width * s, height: b.height * s });

export async function runDemo(ctx: CliContext, options: { distances: number[]; progress: boolean; photosDir?: string }): Promise<DemoResult> {
  const t0 = performance.now();
  const { pipeline, runtime } = ctx;
  const dir = options.photosDir ?? DEMO_PHOTOS_DIR;
  const files = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort().map((f) => `${dir}/${f}`);
  const photos = await Promise.all(files.map((f) => runtime.loadImage(f)));
  const gallery = createGallery({ modelId: pipeline.modelId, dim: pipeline.dim });

  // 1. Enrol every face at full resolution. Enrolment photos are high-resolution by definition, so
  //    detections under ENROL_MIN_FACE px (the pyramid's rare false positives on texture) are skipped.
  const hr = (await pipeline.embedImages(photos)).map((faces) => faces.filter((f) => (f.face.box?.height ?? 0) >= ENROL_MIN_FACE));
  const enrolled: DemoFace[] = [];
  const perPhoto: { face: FaceEmbedding; identity: string }[][] = hr.map((faces, p) =>
    faces.map((face, k) => {
      const identity = `photo${p + 1}-face${k + 1}`;
      gallery.add(identity, face.embedding);
      enrolled.push({ identity, hrCrop: face.face.image, hrBox: face.face.box! });
      return { face, identity };
    }));

  // 2. Each distance: shrink, detect, identify, match to ground truth by box overlap.
  const distances: DemoDistance[] = [];
  const progress = startProgress('demo', options.distances.length * photos.length, options.progress);
  for (const faceHeight of options.distances) {
    const t1 = performance.now();
    const row: DemoDistance = { faceHeight, faces: 0, found: 0, correct: 0, correctGivenBox: 0, falseDetections: 0, ms: 0, probes: [] };
    for (let p = 0; p < photos.length; p++) {
      const truth = perPhoto[p];
      progress.tick();
      if (truth.length === 0) continue;
      const scale = Math.min(1, faceHeight / median(truth.map((t) => t.face.face.box!.height)));
      const photo = photos[p];
      const small = resize(photo, Math.max(1, Math.round(photo.width * scale)), Math.max(1, Math.round(photo.height * scale)), 'area');
      const sx = small.width / photo.width;
      const [found] = await pipeline.identifyImages([small], gallery, 1);
      // Recognition alone: align the LR face with the HR landmarks scaled down (no detection error).
      const given = pipeline.stages.aligner.align(small, truth.map((t) => ({
        box: scaleBox(t.face.face.box!, sx),
        score: 1,
        landmarks: t.face.face.landmarks!.map(([x, y]) => [(x + 0.5) * sx - 0.5, (y + 0.5) * sx - 0.5] as [number, number]),
      })), 0);
      const givenEmb = await pipeline.embedAligned(given);
      const used = new Set<number>();
      truth.forEach((t, k) => {
        const gt = scaleBox(t.face.face.box!, sx);
        let best = -1;
        let bestIou = 0.3;
        found.forEach((f, j) => {
          const o = f.face.box ? iou(f.face.box, gt) : 0;
          if (!used.has(j) && o >= bestIou) { best = j; bestIou = o; }
        });
        const g = gallery.search(givenEmb[k].embedding, 1)[0];
        const probe: DemoProbe = { identity: t.identity, found: best >= 0, predictedGivenBox: g?.identity, lrCrop: givenEmb[k].face.image };
        if (best >= 0) {
          used.add(best);
          const m = found[best].matches[0];
          probe.predicted = m?.identity;
          probe.score = m?.score;
          probe.lrCrop = found[best].face.image;
        }
        row.faces++;
        if (probe.found) row.found++;
        if (probe.predicted === t.identity) row.correct++;
        if (probe.predictedGivenBox === t.identity) row.correctGivenBox++;
        row.probes.push(probe);
      });
      row.falseDetections += found.length - used.size;
    }
    row.ms = performance.now() - t1;
    distances.push(row);
  }
  progress.stop();
  return { photos: files, enrolled, distances, totalMs: performance.now() - t0 };
}
