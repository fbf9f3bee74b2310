// Does super-resolution help recognition, or make faces look like someone else?
// Surveillance protocol on LFW (lfw-dev): HR gallery of aligned 112 crops; probes (other images of the
// same people) shrunk to 12/16/24 px with bicubic, brought back by each SR option, embedded by the
// default backbone. Reports rank-1, mAP, genuine/impostor score means (and their shift against plain
// bicubic), d', and how close each probe's embedding stays to its own HR embedding.
//
// node --conditions=@squint/source --import tsx packages/sr-gfpgan/scripts/evaluate-sr.ts \
//   [--identities 300] [--distractors 700] [--probes 2] [--seed 1] [--sizes 12,16,24] [--threads 2]
// Data: $SQUINT_DATA (an lfw-dev folder) or ../shared/data/lfw-dev next to the repository.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createTemplateAligner, dot, Pipeline, resize, type AlignedFace, type Backbone, type Preprocessor } from '@squint/core';
import { createRandom, identificationMetrics, similarityMatrix } from '@squint/eval';
import { createEmbeddingBackbone, createLandmarker68, createUltraFaceDetector } from '@squint/models';
import { createNodeRuntime } from '@squint/node';
import { createEsrgan, createResizeUpscaler, withUpscaledImage } from '../src/index';
import { prepareAssets } from './prepare-assets';

const { values: args } = parseArgs({
  options: {
    identities: { type: 'string', default: '300' },
    distractors: { type: 'string', default: '700' },
    probes: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    sizes: { type: 'string', default: '12,16,24' },
    threads: { type: 'string', default: '2' },
  },
});
const N_ID = Number(args.identities), N_DIS = Number(args.distractors), PROBES = Number(args.probes), SEED = Number(args.seed);
const SIZES = args.sizes!.split(',').map(Number);

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const dataRoot = process.env.SQUINT_DATA ? resolve(process.env.SQUINT_DATA) : resolve(repoRoot, '..', 'shared', 'data', 'lfw-dev');
if (!existsSync(dataRoot)) {
  console.error(`LFW folder not found: ${dataRoot}\nSet SQUINT_DATA to an lfw-dev folder (<root>/<Person_Name>/<Person_Name>_NNNN.jpg).`);
  process.exit(2);
}

// ---- identity-disjoint selection, fixed seed
const rng = createRandom(SEED);
const shuffle = <T>(xs: T[]): T[] => {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
};
const people = readdirSync(dataRoot).sort().map((name) => ({
  name,
  files: readdirSync(join(dataRoot, name)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().map((f) => join(dataRoot, name, f)),
}));
const multi = shuffle(people.filter((p) => p.files.length >= 2)).slice(0, N_ID);
const chosen = new Set(multi.map((p) => p.name));
const distractors = shuffle(people.filter((p) => !chosen.has(p.name) && p.files.length >= 1)).slice(0, N_DIS);
const gallerySet = [...multi, ...distractors].map((p) => ({ label: p.name, file: p.files[0] }));
const probeSet = multi.flatMap((p) => p.files.slice(1, 1 + PROBES).map((file) => ({ label: p.name, file })));

// ---- models
await prepareAssets();
const runtime = createNodeRuntime({ threads: Number(args.threads) });
const backbone: Backbone = await createEmbeddingBackbone(runtime);
const pipeline = new Pipeline({
  detector: await createUltraFaceDetector(runtime),
  landmarker: await createLandmarker68(runtime),
  aligner: createTemplateAligner({ nativeResolution: false }),
  backbone,
});

/** HR aligned 112 crops; images where no face is found are dropped (and counted). */
async function alignAll(items: { label: string; file: string }[]): Promise<{ label: string; file: string; face: AlignedFace }[]> {
  const out: { label: string; file: string; face: AlignedFace }[] = [];
  for (let i = 0; i < items.length; i += 32) {
    const chunk = items.slice(i, i + 32);
    const images = await Promise.all(chunk.map((it) => runtime.loadImage(it.file)));
    const faces = await pipeline.detectAndAlign(images);
    chunk.forEach((it, k) => {
      if (faces[k].length > 0) out.push({ ...it, face: faces[k][0] });
    });
  }
  return out;
}

async function embed(faces: AlignedFace[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < faces.length; i += 64) out.push(...(await backbone.embed(faces.slice(i, i + 64))));
  return out;
}

const t0 = performance.now();
const gallery = await alignAll(gallerySet);
const probes = await alignAll(probeSet);
const galleryEmb = await embed(gallery.map((g) => g.face));
const probeHrEmb = await embed(probes.map((p) => p.face));
const galleryLabels = gallery.map((g) => g.label), probeLabels = probes.map((p) => p.label);
console.error(`aligned ${gallery.length}/${gallerySet.length} gallery, ${probes.length}/${probeSet.length} probe images (${((performance.now() - t0) / 1000).toFixed(0)} s)`);

// Every SR option ends with the same bicubic step to 112, so rows differ only in the SR itself.
const toFull = createResizeUpscaler({ method: 'bicubic', scale: 16, maxSize: 112 });
const options: [string, Preprocessor[]][] = [
  ['bicubic', [toFull]],
  ['lanczos', [createResizeUpscaler({ method: 'lanczos', scale: 16, maxSize: 112 })]],
  ['esrgan-slim', [await createEsrgan(runtime, { variant: 'slim', scale: 4 }), toFull]],
  ['esrgan-medium', [await createEsrgan(runtime, { variant: 'medium', scale: 4 }), toFull]],
];

interface Row {
  size: number | 'HR';
  option: string;
  rank1: number;
  mAP: number;
  genuine: number;
  impostor: number;
  dPrime: number;
  /** Mean cosine between a probe's embedding and the embedding of its own HR (112) image. */
  hrConsistency: number;
  ms: number;
}

function scoreRow(size: Row['size'], option: string, emb: Float32Array[], ms: number): Row {
  const scores = similarityMatrix(emb, galleryEmb);
  const m = identificationMetrics(scores, probeLabels, galleryLabels);
  const gen: number[] = [], imp: number[] = [];
  probeLabels.forEach((label, i) => galleryLabels.forEach((g, j) => (g === label ? gen : imp).push(scores[i * galleryLabels.length + j])));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = (xs: number[], mu: number) => xs.reduce((a, b) => a + (b - mu) ** 2, 0) / xs.length;
  const [mg, mi] = [mean(gen), mean(imp)];
  return {
    size, option, rank1: m.cmc[1], mAP: m.mAP, genuine: mg, impostor: mi,
    dPrime: (mg - mi) / Math.sqrt((variance(gen, mg) + variance(imp, mi)) / 2),
    hrConsistency: mean(emb.map((e, i) => dot(e, probeHrEmb[i]))), ms,
  };
}

const rows: Row[] = [scoreRow('HR', 'none (112 px probes)', probeHrEmb, 0)];
for (const size of SIZES) {
  const lr = probes.map((p) => withUpscaledImage(p.face, resize(p.face.image, size, size, 'bicubic')));
  for (const [name, chain] of options) {
    const t = performance.now();
    let faces = lr;
    for (const pre of chain) faces = await pre.process(faces);
    const ms = (performance.now() - t) / faces.length;
    rows.push(scoreRow(size, name, await embed(faces), ms));
    console.error(`${size} px ${name} done`);
  }
}

const results = {
  command: `node --conditions=@squint/source --import tsx packages/sr-gfpgan/scripts/evaluate-sr.ts ${process.argv.slice(2).join(' ')}`.trim(),
  data: 'lfw-dev', seed: SEED, backbone: backbone.modelId,
  protocol: { galleryIdentities: N_ID, distractors: N_DIS, probesPerIdentity: PROBES, gallery: gallery.length, probes: probes.length, degradation: 'aligned 112 crop -> bicubic to size x size', srThenBicubicTo: 112 },
  rows,
};
mkdirSync(join(import.meta.dirname, '..', 'results'), { recursive: true });
writeFileSync(join(import.meta.dirname, '..', 'results', 'evaluate-sr.json'), JSON.stringify(results, null, 2) + '\n');

const bic = (size: Row['size']) => rows.find((r) => r.size === size && r.option === 'bicubic');
const f = (x: number, d = 3) => x.toFixed(d);
console.log(`gallery ${gallery.length} (${N_ID} identities + ${N_DIS} distractors), probes ${probes.length}; backbone ${backbone.modelId}\n`);
console.log('| probe | SR | rank-1 | mAP | genuine (shift) | impostor (shift) | d\' | cos to HR | ms/face |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const b = bic(r.size);
  const shift = (x: number, y?: number) => (y === undefined ? '' : ` (${x - y >= 0 ? '+' : ''}${f(x - y)})`);
  console.log(`| ${r.size === 'HR' ? '112 px' : `${r.size} px`} | ${r.option} | ${f(100 * r.rank1, 1)}% | ${f(100 * r.mAP, 1)}% | ${f(r.genuine)}${shift(r.genuine, b?.genuine)} | ${f(r.impostor)}${shift(r.impostor, b?.impostor)} | ${f(r.dPrime, 2)} | ${f(r.hrConsistency)} | ${f(r.ms, 1)} |`);
}
