// Speed benchmark for the foundation (issue: per-stage ms per face, batch 1 vs 32, faces/s, and the
// pipeline's overhead over raw onnxruntime on the same aligned crops). Fixed inputs (the demo's
// group photos), several repetitions, median reported. Writes bench-results/bench.json.
//   npm run bench            (env BENCH_REPS=7 to change repetitions)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createPipelineFromSpec, type AlignedFace, type PipelineStage } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { modelDescriptors } from '@squint/models';
import { createRegistry, DEFAULT_PIPELINE, DEMO_PHOTOS_DIR } from '@squint/cli';

const reps = Number(process.env.BENCH_REPS ?? 7);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const runtime = createNodeRuntime({ threads });
const stageMs: Record<string, number> = {};
const stageItems: Record<string, number> = {};
const onStage = (s: PipelineStage, ms: number, n: number) => { stageMs[s] = (stageMs[s] ?? 0) + ms; stageItems[s] = (stageItems[s] ?? 0) + n; };
const pipeline = await createPipelineFromSpec(DEFAULT_PIPELINE, { runtime, registry: createRegistry(), onStage });
const files = readdirSync(DEMO_PHOTOS_DIR).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(DEMO_PHOTOS_DIR, f));
const bytes = files.map((f) => readFileSync(f));

// Decode.
const decodeMs: number[] = [];
let images = [] as Awaited<ReturnType<typeof runtime.loadImage>>[];
for (let r = 0; r < reps; r++) {
  const t = performance.now();
  images = await Promise.all(bytes.map((b, i) => runtime.loadImage(b, files[i])));
  decodeMs.push((performance.now() - t) / images.length);
}

// Detect + landmark + align, per image and per face.
let faces: AlignedFace[] = [];
const detectPerImage: number[] = [];
const landmarkPerFace: number[] = [];
const alignPerFace: number[] = [];
for (let r = 0; r < reps; r++) {
  for (const k of Object.keys(stageMs)) delete stageMs[k];
  faces = (await pipeline.detectAndAlign(images)).flat();
  detectPerImage.push(stageMs.detect / images.length);
  landmarkPerFace.push(stageMs.landmark / faces.length);
  alignPerFace.push(stageMs.align / faces.length);
}

// Embedding at batch 1 and 32 (faces repeated to fill 32), pipeline vs raw onnxruntime. Only the
// faces aligned at the full 112 px: smaller ones (kept at native resolution) would make the pipeline
// resize them while the raw tensor below reads 112x112 pixels that they do not have.
const full = faces.filter((f) => f.image.width === 112 && f.image.height === 112);
const batch32 = Array.from({ length: 32 }, (_, i) => full[i % full.length]);
const d = modelDescriptors.embedding;
const session = await ort.InferenceSession.create(readFileSync(d.url), { intraOpNumThreads: threads });
function rawTensor(fs: AlignedFace[]): ort.Tensor {
  const n = 112 * 112;
  const data = new Float32Array(fs.length * 3 * n);
  fs.forEach((f, b) => {
    const px = f.image.data;
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) data[b * 3 * n + c * n + i] = (px[i * 3 + c] - 127) / 128;
  });
  return new ort.Tensor('float32', data, [fs.length, 3, 112, 112]);
}
async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const xs: number[] = [];
  for (let r = 0; r < reps; r++) { const t = performance.now(); await fn(); xs.push(performance.now() - t); }
  return median(xs);
}
const embed: Record<string, { pipelineMsPerFace: number; rawMsPerFace: number; overhead: number }> = {};
for (const n of [1, 32]) {
  const fs = batch32.slice(0, n);
  const p = await timeIt(() => pipeline.embedAligned(fs));
  const raw = await timeIt(async () => { const out = await session.run({ [session.inputNames[0]]: rawTensor(fs) }); return out; });
  embed[`batch${n}`] = { pipelineMsPerFace: p / n, rawMsPerFace: raw / n, overhead: p / raw };
}

// End to end: decode + detect + align + embed for all photos.
const e2e = await timeIt(async () => pipeline.embedImages(await Promise.all(bytes.map((b, i) => runtime.loadImage(b, files[i])))));

const result = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version, threads },
  reps, images: images.length, faces: faces.length,
  msPerImage: { decode: median(decodeMs), detect: median(detectPerImage) },
  msPerFace: { landmark: median(landmarkPerFace), align: median(alignPerFace) },
  embed,
  endToEnd: { ms: e2e, facesPerSecond: faces.length / (e2e / 1000) },
};
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/bench.json', JSON.stringify(result, null, 2));
const f = (x: number) => x.toFixed(2);
console.log(`images ${result.images}, faces ${result.faces}, ${reps} reps (median), ${threads} threads`);
console.log('| stage | ms |\n|---|---|');
console.log(`| decode (per image) | ${f(result.msPerImage.decode)} |`);
console.log(`| detect, pyramid (per image) | ${f(result.msPerImage.detect)} |`);
console.log(`| landmarks (per face) | ${f(result.msPerFace.landmark)} |`);
console.log(`| align (per face) | ${f(result.msPerFace.align)} |`);
for (const [k, v] of Object.entries(embed)) {
  console.log(`| embed ${k} (per face): pipeline / raw onnxruntime | ${f(v.pipelineMsPerFace)} / ${f(v.rawMsPerFace)} (x${v.overhead.toFixed(3)}) |`);
}
console.log(`| end to end (${result.images} photos, ${result.faces} faces) | ${f(e2e)} ms = ${result.endToEnd.facesPerSecond.toFixed(1)} faces/s |`);
console.log('wrote bench-results/bench.json');
