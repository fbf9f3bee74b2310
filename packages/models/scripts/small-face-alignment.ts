// How should a *detected* small face be aligned? Compares alignment strategies on faces shrunk to
// 32/24/20/16/12 px (UltraFace box height), by rank-1 against a high-resolution gallery and by
// alignment error. Run from the repository root:
//   node --conditions=@squint/source --import tsx packages/models/scripts/small-face-alignment.ts
// Options: --identities N (LFW identities, default 300), --sizes 32,24,20,16,12, --seed S (default 1).
// Data: the six demo photos (22 faces; the gallery is those faces at full resolution) and, when
// present, LFW from $SQUINT_DATA/lfw-dev (default ../shared/data from the repository root): N
// identities with >= 2 images, gallery = one full-resolution image per identity, probe = another
// image of the identity, the whole 250x250 photo shrunk (area filter) so that its face's detection
// box is `size` px tall, detected again, and aligned by each strategy.
// Alignment error: the five points of the full-resolution landmarks, scaled down into the small
// photo, are the truth; a strategy's source -> 112-template map T is compared with the map G fitted
// to those points: mean |T(p) - G(p)| over the five points, in 112-template pixels.
// Paired comparison: per strategy, the faces it gets right that the old default (a-box) gets wrong,
// and the reverse (+won/-lost), which says more than two close rank-1 figures.
// Strategy h is what Pipeline.detectAndAlign now does for boxes under smallFaceSize (24 px); the
// `pipeline` column runs the pipeline itself on the same detection, as a check.
// Writes packages/models/results/small-face-alignment.json and prints the tables.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ARCFACE_TEMPLATE_112, applyAffine, createGallery, cropTemplateTransform, flipHorizontal, invertAffine, plausibleLandmarks,
  resize, similarityTransform,
  type Affine, type AlignedFace, type Box, type Gallery, type Pipeline, type Point, type RgbImage,
} from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { createDefaultPipeline } from '@squint/models';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = join(REPO, 'packages/models/results/small-face-alignment.json');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const IDENTITIES = Number(arg('identities', '300'));
const SIZES = arg('sizes', '32,24,20,16,12').split(',').map(Number);
const SEED = Number(arg('seed', '1'));
const DATA = process.env.SQUINT_DATA ?? join(REPO, '../shared/data');

/** mulberry32: a small seeded generator, so the LFW sample is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function shuffle<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

const runtime = createNodeRuntime({ threads: 2 });
const pipeline: Pipeline = await createDefaultPipeline(runtime);
const { detector, landmarker, aligner } = pipeline.stages;
if (!detector || !landmarker) throw new Error('the default pipeline must have a detector and a landmarker');

// ---------------------------------------------------------------------------------------------
// Strategies: each turns (small image, detection box) into five points, or none (= the box rule).

type Located = Point[] | undefined;
const T112 = ARCFACE_TEMPLATE_112 as Point[];

/** Landmarks found on a bicubic-upscaled copy of the region around the box (box height -> target px). */
async function upscaledLandmarks(image: RgbImage, box: Box, target: number, flip = false): Promise<Located> {
  const s = Math.max(1, target / box.height);
  // The landmarker's square is box.height around the box centre; keep a margin of half that.
  const side = 2 * Math.max(box.width, box.height);
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  const x0 = Math.max(0, Math.floor(cx - side / 2)), y0 = Math.max(0, Math.floor(cy - side / 2));
  const x1 = Math.min(image.width, Math.ceil(cx + side / 2)), y1 = Math.min(image.height, Math.ceil(cy + side / 2));
  const region = cropRegion(image, x0, y0, x1 - x0, y1 - y0);
  const big = s > 1 ? resize(region, Math.round(region.width * s), Math.round(region.height * s), 'bicubic') : region;
  const sx = big.width / region.width, sy = big.height / region.height;
  // Pixel-edge box coordinates scale by s; pixel-centre points map back by (c + 0.5) / s - 0.5.
  const bigBox: Box = { x: (box.x - x0) * sx, y: (box.y - y0) * sy, width: box.width * sx, height: box.height * sy };
  const back = (p: Point[]): Point[] => p.map(([x, y]) => [(x + 0.5) / sx - 0.5 + x0, (y + 0.5) / sy - 0.5 + y0]);
  const [found] = await landmarker!.locate(big, [bigBox]);
  if (!found?.length) return undefined;
  if (!flip) return back(found);
  // Mirror test-time augmentation: locate on the mirrored copy, mirror back, swap left/right.
  const W = big.width;
  const [m] = await landmarker!.locate(flipHorizontal(big), [{ ...bigBox, x: W - bigBox.x - bigBox.width }]);
  if (!m?.length) return back(found);
  const un = m.map(([x, y]) => [W - 1 - x, y] as Point);
  const swapped = [un[1], un[0], un[2], un[4], un[3]];
  return back(found.map(([x, y], j) => [(x + swapped[j][0]) / 2, (y + swapped[j][1]) / 2] as Point));
}

function cropRegion(image: RgbImage, x0: number, y0: number, w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) data.set(image.data.subarray(((y0 + y) * image.width + x0) * 3, ((y0 + y) * image.width + x0 + w) * 3), y * w * 3);
  return { width: w, height: h, data };
}

/** The five points the crop-to-template rule implies for a box (template points mapped back). */
function rulePoints(box: Box): Point[] {
  const inv = invertAffine(cropTemplateTransform(box));
  return T112.map((p) => applyAffine(inv, p));
}

function plausibleInBox(p: Located, box: Box): Located {
  if (!p) return undefined;
  return plausibleLandmarks(p.map(([x, y]) => [x - box.x, y - box.y] as Point), box.width, box.height) ? p : undefined;
}

const blend = (p: Located, box: Box, w: number): Located => {
  if (!p) return undefined;
  const r = rulePoints(box);
  return p.map(([x, y], j) => [w * x + (1 - w) * r[j][0], w * y + (1 - w) * r[j][1]] as Point);
};

interface Strategy { name: string; description: string; locate(image: RgbImage, box: Box): Promise<Located> }
const up64 = (im: RgbImage, b: Box) => upscaledLandmarks(im, b, 64);
const flip64 = (im: RgbImage, b: Box) => upscaledLandmarks(im, b, 64, true);
const STRATEGIES: Strategy[] = [
  { name: 'a-box', description: 'landmark68 on the detection box as is (the old default)', locate: async (im, b) => (await landmarker.locate(im, [b]))[0] },
  { name: 'b-up64', description: 'landmark68 on a bicubic copy upscaled so the box is 64 px tall', locate: up64 },
  { name: 'b-up128', description: 'as b-up64, box 128 px tall', locate: (im, b) => upscaledLandmarks(im, b, 128) },
  { name: 'c-rule', description: 'box only: crop-to-template rule (CROP_TEMPLATE_RULE)', locate: async () => undefined },
  { name: 'd-up64-check', description: 'b-up64, and the rule when implausible (plausibleLandmarks)', locate: async (im, b) => plausibleInBox(await up64(im, b), b) },
  { name: 'e-box-blend75', description: 'a-box points 75% + rule points 25%', locate: async (im, b) => blend((await landmarker.locate(im, [b]))[0], b, 0.75) },
  { name: 'e-up64-blend50', description: 'b-up64 points 50% + rule points 50%', locate: async (im, b) => blend(await up64(im, b), b, 0.5) },
  { name: 'e-up64-blend75', description: 'b-up64 points 75% + rule points 25%', locate: async (im, b) => blend(await up64(im, b), b, 0.75) },
  { name: 'f-up64-flip', description: 'b-up64 averaged with its mirror image (mirror, locate, mirror back, swap left/right)', locate: flip64 },
  { name: 'g-flip-blend60', description: 'f-up64-flip points 60% + rule points 40%', locate: async (im, b) => blend(await flip64(im, b), b, 0.6) },
  { name: 'g-flip-blend75', description: 'f-up64-flip points 75% + rule points 25%', locate: async (im, b) => blend(await flip64(im, b), b, 0.75) },
  { name: 'g-flip-blend90', description: 'f-up64-flip points 90% + rule points 10%', locate: async (im, b) => blend(await flip64(im, b), b, 0.9) },
  { name: 'h-up64-check-blend75', description: 'd-up64-check points 75% + rule points 25% (the rule alone when implausible): what the pipeline now does below smallFaceSize', locate: async (im, b) => blend(plausibleInBox(await up64(im, b), b), b, 0.75) },
];
/** Not strategies but references: perfect alignment, and whatever Pipeline.detectAndAlign now does. */
const GIVEN = 'given';
const GIVEN_ALL = 'given-all';
const PIPELINE = 'pipeline';
const COLUMNS = [...STRATEGIES.map((s) => s.name), PIPELINE, GIVEN];
const BASE = 'a-box';

// ---------------------------------------------------------------------------------------------
// Cases: one small face with its truth.

interface Case {
  set: 'demo' | 'lfw';
  identity: string;
  size: number;
  small: RgbImage;
  /** HR box and landmarks scaled into the small image. */
  truthBox: Box;
  truthPoints: Point[];
}

interface Tally {
  found: number; faces: number; correct: Record<string, number>; errSum: Record<string, number>; errN: Record<string, number>; pipelineMethods: Record<string, number>;
  /** Columns that got each found face right, for paired comparisons. */
  hits: Set<string>[];
}

const scalePoint = ([x, y]: Point, sx: number, sy: number): Point => [(x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5];
const scaleBox = (b: Box, sx: number, sy: number): Box => ({ x: b.x * sx, y: b.y * sy, width: b.width * sx, height: b.height * sy });
function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter || 1);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function pointError(t: Affine, truth: Point[]): number {
  const g = similarityTransform(truth, T112);
  return truth.reduce((sum, p) => {
    const a = applyAffine(t, p), b = applyAffine(g, p);
    return sum + Math.hypot(a[0] - b[0], a[1] - b[1]);
  }, 0) / truth.length;
}

/**
 * Runs every strategy on a batch of cases. Each case's detection is the one the pipeline itself
 * finds: in a multi-face photo the best overlap with the truth box, in an LFW photo the one nearest
 * the centre (it must still overlap the truth box, IoU >= 0.3, to count as found).
 */
async function evaluate(cases: Case[], gallery: Gallery, tally: Tally, pick: 'iou' | 'centre'): Promise<void> {
  // Group by small image so each is detected once (demo photos hold several faces).
  const byImage = new Map<RgbImage, Case[]>();
  for (const c of cases) byImage.set(c.small, [...(byImage.get(c.small) ?? []), c]);
  for (const [small, group] of byImage) {
    const [faces] = await detector!.detect([small]);
    const [pipelined] = await pipeline.detectAndAlign([small]);
    const used = new Set<number>();
    const aligned: { column: string; face: AlignedFace; identity: string; hits?: Set<string> }[] = [];
    for (const c of group) {
      tally.faces++;
      let best = -1;
      if (pick === 'centre') {
        let bestD = Infinity;
        faces.forEach((f, j) => {
          const d = Math.hypot(f.box.x + f.box.width / 2 - small.width / 2, f.box.y + f.box.height / 2 - small.height / 2);
          if (d < bestD) { bestD = d; best = j; }
        });
        if (best >= 0 && iou(faces[best].box, c.truthBox) < 0.3) best = -1;
      } else {
        let bestIou = 0.3;
        faces.forEach((f, j) => {
          const o = iou(f.box, c.truthBox);
          if (!used.has(j) && o >= bestIou) { best = j; bestIou = o; }
        });
      }
      // Perfect alignment needs no detection: scored on all faces (GIVEN_ALL) and on the found ones.
      const givenFace = aligner.align(small, [{ box: c.truthBox, score: 1, landmarks: c.truthPoints }], 0)[0];
      aligned.push({ column: GIVEN_ALL, face: givenFace, identity: c.identity });
      if (best < 0) continue;
      addError(tally, GIVEN, 0);
      used.add(best);
      tally.found++;
      const hits = new Set<string>();
      tally.hits.push(hits);
      const box = faces[best].box;
      aligned.push({ column: GIVEN, face: givenFace, identity: c.identity, hits });
      for (const s of STRATEGIES) {
        const points = await s.locate(small, box);
        const usable = points && points.length === 5 && points.every(([x, y]) => Number.isFinite(x + y));
        const full = usable ? similarityTransform(points!, T112) : cropTemplateTransform(box);
        addError(tally, s.name, pointError(full, c.truthPoints));
        aligned.push({ column: s.name, face: aligner.align(small, [{ box, score: faces[best].score, landmarks: usable ? points : undefined }], 0)[0], identity: c.identity, hits });
      }
      // The pipeline's own answer for the same detection (its detections are the detector's).
      const mine = pipelined.find((f) => f.box && f.box.x === box.x && f.box.y === box.y && f.box.width === box.width);
      if (mine) {
        tally.pipelineMethods[mine.alignment] = (tally.pipelineMethods[mine.alignment] ?? 0) + 1;
        const full = mine.alignment === 'landmarks' || mine.alignment === 'crop-landmarks'
          ? similarityTransform(mine.landmarks!, T112) : cropTemplateTransform(box);
        addError(tally, PIPELINE, pointError(full, c.truthPoints));
        aligned.push({ column: PIPELINE, face: mine, identity: c.identity, hits });
      }
    }
    const embedded = await pipeline.embedAligned(aligned.map((a) => a.face));
    embedded.forEach((e, i) => {
      const top = gallery.search(e.embedding, 1)[0];
      const a = aligned[i];
      if (top?.identity !== a.identity) return;
      tally.correct[a.column] = (tally.correct[a.column] ?? 0) + 1;
      a.hits?.add(a.column);
    });
  }
}
function addError(t: Tally, column: string, e: number) {
  t.errSum[column] = (t.errSum[column] ?? 0) + e;
  t.errN[column] = (t.errN[column] ?? 0) + 1;
}
const newTally = (): Tally => ({ found: 0, faces: 0, correct: {}, errSum: {}, errN: {}, pipelineMethods: {}, hits: [] });

// ---------------------------------------------------------------------------------------------
// Data sets.

interface HrFace { identity: string; box: Box; points: Point[] }

/** Demo: every face >= 32 px of the six photos is enrolled; each photo is shrunk per size. */
async function demoSet(): Promise<{ gallery: Gallery; hr: { photo: RgbImage; faces: HrFace[] }[] }> {
  let dir = join(REPO, 'packages/cli/assets/demo');
  if (!existsSync(dir)) dir = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
  const files = readdirSync(dir).filter((f) => /^sample\d\.jpg$/.test(f)).sort();
  const gallery = createGallery({ modelId: pipeline.modelId, dim: pipeline.dim });
  const hr: { photo: RgbImage; faces: HrFace[] }[] = [];
  for (const [p, file] of files.entries()) {
    const photo = await runtime.loadImage(join(dir, file));
    const [faces] = await pipeline.embedImages([photo]);
    const kept = faces.filter((f) => (f.face.box?.height ?? 0) >= 32 && f.face.alignment === 'landmarks');
    hr.push({ photo, faces: kept.map((f, k) => {
      const identity = `demo-photo${p + 1}-face${k + 1}`;
      gallery.add(identity, f.embedding);
      return { identity, box: f.face.box!, points: f.face.landmarks! };
    }) });
  }
  return { gallery, hr };
}

function demoCases(hr: { photo: RgbImage; faces: HrFace[] }[], size: number): Case[] {
  return hr.flatMap(({ photo, faces }) => {
    if (faces.length === 0) return [];
    const scale = Math.min(1, size / median(faces.map((f) => f.box.height)));
    const small = resize(photo, Math.max(1, Math.round(photo.width * scale)), Math.max(1, Math.round(photo.height * scale)), 'area');
    const sx = small.width / photo.width, sy = small.height / photo.height;
    return faces.map((f) => ({ set: 'demo' as const, identity: f.identity, size, small, truthBox: scaleBox(f.box, sx, sy), truthPoints: f.points.map((q) => scalePoint(q, sx, sy)) }));
  });
}

/** The full-resolution face of an LFW photo: the detection nearest the centre, with landmarks. */
async function lfwFace(image: RgbImage) {
  const [faces] = await pipeline.detectAndAlign([image]);
  let best: AlignedFace | undefined;
  let bestD = Infinity;
  for (const f of faces) {
    if (!f.box || f.alignment !== 'landmarks') continue;
    const d = Math.hypot(f.box.x + f.box.width / 2 - image.width / 2, f.box.y + f.box.height / 2 - image.height / 2);
    if (d < bestD) { bestD = d; best = f; }
  }
  return best && best.box!.height >= 48 ? best : undefined;
}

async function lfwSet(): Promise<{ gallery: Gallery; probes: { image: RgbImage; face: HrFace }[]; skipped: number } | undefined> {
  const root = join(DATA, 'lfw-dev');
  if (!existsSync(root)) return undefined;
  const rand = rng(SEED);
  const people = readdirSync(root).sort().filter((p) => readdirSync(join(root, p)).filter((f) => f.endsWith('.jpg')).length >= 2);
  const chosen = shuffle(people, rand).slice(0, IDENTITIES);
  const gallery = createGallery({ modelId: pipeline.modelId, dim: pipeline.dim });
  const probes: { image: RgbImage; face: HrFace }[] = [];
  let skipped = 0;
  for (const person of chosen) {
    const files = shuffle(readdirSync(join(root, person)).filter((f) => f.endsWith('.jpg')).sort(), rand);
    const [gImage, pImage] = await Promise.all(files.slice(0, 2).map((f) => runtime.loadImage(join(root, person, f))));
    const [g, p] = [await lfwFace(gImage), await lfwFace(pImage)];
    if (!g || !p) { skipped++; continue; }
    gallery.add(person, (await pipeline.embedAligned([g]))[0].embedding);
    probes.push({ image: pImage, face: { identity: person, box: p.box!, points: p.landmarks! } });
  }
  return { gallery, probes, skipped };
}

function lfwCases(probes: { image: RgbImage; face: HrFace }[], size: number): Case[] {
  return probes.map(({ image, face }) => {
    const scale = Math.min(1, size / face.box.height);
    const small = resize(image, Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)), 'area');
    const sx = small.width / image.width, sy = small.height / image.height;
    return { set: 'lfw' as const, identity: face.identity, size, small, truthBox: scaleBox(face.box, sx, sy), truthPoints: face.points.map((q) => scalePoint(q, sx, sy)) };
  });
}

// ---------------------------------------------------------------------------------------------

const t0 = performance.now();
const rows: { set: string; size: number; faces: number; found: number; rank1: Record<string, number>; errorPx112: Record<string, number>; vsBox: Record<string, string>; pipelineMethods: Record<string, number> }[] = [];
function row(set: string, size: number, t: Tally) {
  const rank1: Record<string, number> = {};
  const errorPx112: Record<string, number> = {};
  for (const c of COLUMNS) {
    rank1[c] = t.found ? +(100 * (t.correct[c] ?? 0) / t.found).toFixed(1) : 0;
    errorPx112[c] = t.errN[c] ? +(t.errSum[c] / t.errN[c]).toFixed(2) : NaN;
  }
  rank1[GIVEN_ALL] = t.faces ? +(100 * (t.correct[GIVEN_ALL] ?? 0) / t.faces).toFixed(1) : 0;
  // Paired against the old default: faces a column gets right that a-box gets wrong, and vice versa.
  const vsBox: Record<string, string> = {};
  for (const c of COLUMNS) {
    const won = t.hits.filter((h) => h.has(c) && !h.has(BASE)).length, lost = t.hits.filter((h) => !h.has(c) && h.has(BASE)).length;
    vsBox[c] = `+${won}/-${lost}`;
  }
  rows.push({ set, size, faces: t.faces, found: t.found, rank1, errorPx112, vsBox, pipelineMethods: t.pipelineMethods });
  console.error(`${set} ${size}px: ${t.found}/${t.faces} found, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

const demo = await demoSet();
for (const size of SIZES) {
  const t = newTally();
  await evaluate(demoCases(demo.hr, size), demo.gallery, t, 'iou');
  row('demo', size, t);
}
const lfw = await lfwSet();
if (!lfw) {
  console.error(`LFW not found at ${join(DATA, 'lfw-dev')} (set SQUINT_DATA to the folder holding lfw-dev/): demo photos only`);
} else {
  for (const size of SIZES) {
    const t = newTally();
    await evaluate(lfwCases(lfw.probes, size), lfw.gallery, t, 'centre');
    row('lfw', size, t);
  }
}

const result = {
  command: ['node --conditions=@squint/source --import tsx packages/models/scripts/small-face-alignment.ts', ...process.argv.slice(2)].join(' '),
  seed: SEED,
  sizes: SIZES,
  data: {
    demo: { photos: demo.hr.length, faces: demo.hr.reduce((a, h) => a + h.faces.length, 0), gallery: 'the same faces at full resolution' },
    lfw: lfw
      ? { root: join(DATA, 'lfw-dev'), identitiesRequested: IDENTITIES, probes: lfw.probes.length, skippedNoHrFace: lfw.skipped, gallery: `${lfw.gallery.size} identities, one full-resolution image each` }
      : 'missing',
  },
  strategies: Object.fromEntries([
    ...STRATEGIES.map((s) => [s.name, s.description]),
    [PIPELINE, 'Pipeline.detectAndAlign with its default options (the same detection)'],
    [GIVEN, 'full-resolution landmarks scaled down: perfect alignment (found faces only, like the others)'],
    [GIVEN_ALL, 'as given, over all faces including those the detector missed'],
  ]),
  notes: 'rank-1 in % of found faces (given-all: of all faces); vsBox: +faces this column gets right and a-box wrong / -the reverse; errorPx112: mean distance of the five true points under the strategy\'s map from where the perfect map puts them, in 112-template px',
  rows,
  seconds: Math.round((performance.now() - t0) / 1000),
};
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);

const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
for (const [title, key] of [['rank-1 % (found faces)', 'rank1'], ['alignment error, 112-template px', 'errorPx112'], ['paired vs a-box: faces won/lost', 'vsBox']] as const) {
  console.log(`\n${title}\n`);
  console.log(line(['set', 'size', 'found', ...COLUMNS]));
  console.log(line(Array(COLUMNS.length + 3).fill('---')));
  for (const r of rows) console.log(line([r.set, `${r.size} px`, `${r.found}/${r.faces}`, ...COLUMNS.map((c) => r[key][c])]));
}
console.log(`\nwrote ${OUT} (${result.seconds} s)`);
