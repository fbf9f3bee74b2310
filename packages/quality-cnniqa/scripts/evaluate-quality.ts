/**
 * How well does each quality estimator predict whether a face will be recognised?
 *
 *   node --conditions=@squint/source --import tsx packages/quality-cnniqa/scripts/evaluate-quality.ts \
 *     [--faces 600] [--seed 1] [--fmr 1e-3] [--out packages/quality-cnniqa/results/quality-eval.json] \
 *     [--cnniqa-weights w.safetensors --cnniqa-variant pyiqa --cnniqa-range [0,1] --cnniqa-size 112]
 *
 * Data: LFW from $SQUINT_DATA (the data folder holding lfw-dev/, or lfw-dev itself), else
 * ../shared/data/lfw-dev next to the repository.
 *
 * Recipe (fixed seed): pick faces/2 identities with two or more images, two images each; detect,
 * landmark and align every image to the ArcFace 112x112 template (HR crop); shrink each HR crop with
 * bicubic to a random native side, log-uniform in [12, 112] px — that is the LR probe. Then:
 * - recognisability of a probe = cosine(embedding(LR probe), embedding(HR crop of the same image));
 *   Spearman correlation between each estimator's score on the LR probe and it;
 * - error-versus-reject: every LR probe is compared with the HR crops of all other images (its own
 *   identity's other image = genuine, other identities = impostors); FNMR at a fixed FMR (threshold
 *   set once on all impostors, ISO/IEC 29794-1 style) as the lowest-quality probes are rejected.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cosine, createPipeline, createTemplateAligner, type AlignedFace, type QualityEstimator } from '@squint/core';
import { createRandom, degrade, deriveSeed, errorVersusReject, recipeName, spearman, type DegradationRecipe } from '@squint/eval';
import { createEmbeddingBackbone, createLandmarker68, createUltraFaceDetector } from '@squint/models';
import { createNodeRuntime } from '@squint/node';
import { createClassicalQuality, createCnnIqa, createStabilityQuality, type CnnIqaVariant, type InputRange } from '../src/index';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

const { values: args } = parseArgs({
  options: {
    faces: { type: 'string', default: '600' },
    seed: { type: 'string', default: '1' },
    fmr: { type: 'string', default: '1e-3' },
    'min-size': { type: 'string', default: '12' },
    'max-size': { type: 'string', default: '112' },
    out: { type: 'string', default: join(repoRoot, 'packages/quality-cnniqa/results/quality-eval.json') },
    'cnniqa-weights': { type: 'string' },
    'cnniqa-variant': { type: 'string', default: 'pyiqa' },
    'cnniqa-range': { type: 'string', default: '[0,1]' },
    'cnniqa-size': { type: 'string' },
    protocol: { type: 'string', default: 'size' },
  },
});

function lfwFolder(): string {
  const env = process.env.SQUINT_DATA;
  const candidates = env ? [join(env, 'lfw-dev'), env] : [resolve(repoRoot, '../shared/data/lfw-dev')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    console.error(`LFW not found: looked in ${candidates.join(', ')}. Set SQUINT_DATA to the folder that holds lfw-dev/ (or to lfw-dev itself).`);
    process.exit(2);
  }
  return found;
}

interface Face {
  identity: string;
  file: string;
  hr: AlignedFace;
  lr: AlignedFace;
  side: number;
  recipe: string;
}

/** `mixed` protocol: blur sigma (px of the LR face) and noise sigma (grey levels), each drawn uniformly. */
const BLURS = [0, 0, 0.6, 1.2];
const NOISES = [0, 0, 6, 12];

async function main() {
  const faceCount = Number(args.faces), seed = Number(args.seed), fmr = Number(args.fmr);
  const minSide = Number(args['min-size']), maxSide = Number(args['max-size']);
  const protocol = args.protocol;
  if (protocol !== 'size' && protocol !== 'mixed') {
    console.error(`--protocol must be 'size' (bicubic shrinking only) or 'mixed' (plus random blur and noise), got ${protocol}`);
    process.exit(2);
  }
  const root = lfwFolder();
  const rand = createRandom(seed);

  // Identities with two or more images, in a seeded order.
  const people = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const eligible: { identity: string; files: string[] }[] = [];
  for (const identity of people) {
    const files = (await readdir(join(root, identity))).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
    if (files.length >= 2) eligible.push({ identity, files });
  }
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = rand.int(i + 1);
    [eligible[i], eligible[j]] = [eligible[j], eligible[i]];
  }

  const runtime = createNodeRuntime();
  const [detector, landmarker, backbone] = await Promise.all([
    createUltraFaceDetector(runtime),
    createLandmarker68(runtime),
    createEmbeddingBackbone(runtime),
  ]);
  // HR crops always at 112 (LFW faces are ~100 px: no native shrinking wanted here).
  const pipeline = createPipeline({ detector, landmarker, aligner: createTemplateAligner({ nativeResolution: false }), backbone });

  const faces: Face[] = [];
  let noFace = 0;
  const t0 = performance.now();
  for (const person of eligible) {
    if (faces.length >= faceCount) break;
    const picked: Face[] = [];
    for (const file of person.files.slice(0, 2)) {
      const image = await runtime.loadImage(join(root, person.identity, file), file);
      const [found] = await pipeline.detectAndAlign([image]);
      // LFW centres the named person: take the face nearest the image centre.
      const cx = image.width / 2, cy = image.height / 2;
      const best = found.sort((a, b) => dist(a, cx, cy) - dist(b, cx, cy))[0];
      if (!best) continue;
      const side = Math.round(Math.exp(Math.log(minSide) + rand.next() * (Math.log(maxSide) - Math.log(minSide))));
      const recipe: DegradationRecipe = { size: side, downscale: 'bicubic' };
      if (protocol === 'mixed') {
        const blur = BLURS[rand.int(BLURS.length)], noise = NOISES[rand.int(NOISES.length)];
        if (blur) recipe.blur = { sigma: blur };
        if (noise) recipe.noise = { sigma: noise };
      }
      const lr: AlignedFace = { ...best, image: await degrade(best.image, recipe, deriveSeed(seed, file)) };
      picked.push({ identity: person.identity, file, hr: best, lr, side, recipe: recipeName(recipe) });
    }
    if (picked.length === 2) faces.push(...picked);
    else noFace++;
  }
  console.log(`${faces.length} faces of ${faces.length / 2} identities aligned in ${((performance.now() - t0) / 1000).toFixed(1)} s (${noFace} identities skipped: a face not found)`);

  const embed = async (list: AlignedFace[]) => {
    const out: Float32Array[] = [];
    for (let i = 0; i < list.length; i += 64) out.push(...(await backbone.embed(list.slice(i, i + 64))));
    return out;
  };
  const hrEmb = await embed(faces.map((f) => f.hr));
  const lrEmb = await embed(faces.map((f) => f.lr));
  const recognisability = faces.map((_, i) => cosine(lrEmb[i], hrEmb[i]));

  // Comparisons: LR probe i vs HR crop j of every other image.
  const genuine: { score: number; probe: number }[] = [];
  const impostors: { score: number }[] = [];
  for (let i = 0; i < faces.length; i++) {
    for (let j = 0; j < faces.length; j++) {
      if (i === j) continue;
      const score = cosine(lrEmb[i], hrEmb[j]);
      if (faces[i].identity === faces[j].identity) genuine.push({ score, probe: i });
      else impostors.push({ score });
    }
  }

  const estimators: { name: string; q: QualityEstimator | null }[] = [
    { name: 'native side (px)', q: null },
    { name: 'classical', q: createClassicalQuality() },
    { name: 'stability (flip+shift)', q: createStabilityQuality(backbone) },
  ];
  if (args['cnniqa-weights']) {
    const q = await createCnnIqa(runtime, {
      variant: args['cnniqa-variant'] as CnnIqaVariant,
      weights: resolve(args['cnniqa-weights']),
      inputRange: args['cnniqa-range'] as InputRange,
      inputSize: args['cnniqa-size'] ? Number(args['cnniqa-size']) : 112,
    });
    estimators.push({ name: `cnniqa-${args['cnniqa-variant']}`, q });
  }

  const fractions = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
  const rows = [];
  for (const { name, q } of estimators) {
    const t = performance.now();
    const scores = q ? await q.estimate(faces.map((f) => f.lr)) : faces.map((f) => f.side);
    const msPerFace = (performance.now() - t) / faces.length;
    const evr = errorVersusReject(genuine.map((g) => ({ score: g.score, quality: scores[g.probe] })), impostors, { fmr, fractions });
    rows.push({
      estimator: name,
      spearman: spearman(scores, recognisability),
      msPerFace: q ? msPerFace : 0,
      fnmr: evr.points.map((p) => ({ rejected: p.rejected, fnmr: p.fnmr })),
      threshold: evr.points[0]?.threshold ?? null,
    });
  }

  const result = {
    recipe: {
      data: 'lfw-dev', faces: faces.length, identities: faces.length / 2, seed, fmr,
      protocol,
      sizes: `log-uniform integer native side in [${minSide}, ${maxSide}] px, bicubic from the aligned 112 px crop`,
      degradations: protocol === 'mixed' ? `then Gaussian blur sigma in {${BLURS.join(', ')}} px and Gaussian noise sigma in {${NOISES.join(', ')}}, each drawn uniformly (@squint/eval degrade)` : 'none',
      alignment: 'UltraFace + 68-point landmarks -> 5 points -> ArcFace 112 template',
      backbone: backbone.modelId,
      genuine: genuine.length, impostors: impostors.length,
      recognisability: 'cosine(embedding(LR probe), embedding(HR crop of the same image))',
    },
    results: rows,
    faces: faces.map((f, i) => ({ file: `${f.identity}/${f.file}`, recipe: f.recipe, recognisability: recognisability[i] })),
  };
  await mkdir(dirname(args.out!), { recursive: true });
  await writeFile(args.out!, JSON.stringify(result, null, 2) + '\n');

  const pct = (v: number | null) => (v === null ? '  n/a' : `${(100 * v).toFixed(1)}%`.padStart(6));
  console.log(`\nprotocol ${protocol}: ${faces.length} LR probes, ${genuine.length} genuine / ${impostors.length} impostor comparisons, FNMR at FMR ${fmr}`);
  console.log(`| estimator | Spearman vs recognisability | ms/face | ${fractions.map((f) => `FNMR @ ${f * 100}% rejected`).join(' | ')} |`);
  console.log(`|---|---|---|${fractions.map(() => '---').join('|')}|`);
  for (const r of rows) {
    console.log(`| ${r.estimator} | ${r.spearman.toFixed(3)} | ${r.msPerFace ? r.msPerFace.toFixed(2) : '-'} | ${r.fnmr.map((p) => pct(p.fnmr)).join(' | ')} |`);
  }
  console.log(`\nwritten: ${args.out}`);
}

function dist(f: AlignedFace, cx: number, cy: number): number {
  if (!f.box) return Infinity;
  return Math.hypot(f.box.x + f.box.width / 2 - cx, f.box.y + f.box.height / 2 - cy);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
