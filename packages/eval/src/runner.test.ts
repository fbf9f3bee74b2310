import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPipelineFromSpec, flipHorizontal, isSquintError, Registry, resize, warpAffine, type PipelineSpec, type RgbImage } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { DEMO_FACES, DEMO_PHOTOS, photoOf } from './demo-faces.fixture';
import { defaultModels } from '@squint/models';
import { loadFolderDataset } from './datasets/folder-dataset';
import { loadTinyFace } from './datasets/tinyface';
import { loadPairs } from './datasets/pairs';
import type { IdentificationDataset, PairsDataset } from './datasets/dataset';
import { embedFaces, runEvaluation, type EvalConfig } from './runner';
import type { EvalResults } from './results';

const PIPELINE: PipelineSpec = { detector: 'ultraface', landmarker: 'landmark68', backbone: 'mobilefacenet' };
const runtime = createNodeRuntime({ threads: 2 });
const registry = () => new Registry().use(defaultModels);


let root: string;
let dataset: IdentificationDataset;
let pairs: PairsDataset;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'squint-eval-run-'));
  const photos = new Map<number, RgbImage>();
  for (const [n] of DEMO_FACES) if (!photos.has(n)) photos.set(n, await runtime.loadImage(join(DEMO_PHOTOS, `sample${n}.jpg`)));
  // Four people with three pictures each (different framing, one mirrored), three with one.
  for (const [i, [n, box]] of DEMO_FACES.entries()) {
    const id = `person${i}`;
    mkdirSync(join(root, 'faces', id), { recursive: true });
    const views = i < 4 ? [photoOf(photos.get(n)!, box, 0, 1), photoOf(photos.get(n)!, box, 0.06, 1.15), flipHorizontal(photoOf(photos.get(n)!, box, -0.04, 0.9))] : [photoOf(photos.get(n)!, box, 0, 1)];
    for (const [k, v] of views.entries()) await runtime.saveImage(v, join(root, 'faces', id, `${id}_${k + 1}.png`));
  }
  writeFileSync(join(root, 'faces', 'person0', 'person0_9.jpg'), 'this is not a JPEG');
  dataset = await loadFolderDataset(join(root, 'faces'), { seed: 1 });
  writeFileSync(join(root, 'pairs.tsv'), [
    'left\tright\tsame',
    'person0/person0_1.png\tperson0/person0_2.png\t1', 'person1/person1_1.png\tperson1/person1_3.png\t1',
    'person2/person2_2.png\tperson2/person2_3.png\t1', 'person3/person3_1.png\tperson3/person3_2.png\t1',
    'person0/person0_1.png\tperson4/person4_1.png\t0', 'person1/person1_2.png\tperson5/person5_1.png\t0',
    'person2/person2_1.png\tperson6/person6_1.png\t0', 'person3/person3_3.png\tperson0/person0_9.jpg\t0',
  ].join('\n'));
  pairs = await loadPairs(join(root, 'pairs.tsv'), { root: join(root, 'faces') });
});

const config = (over: Partial<EvalConfig>): EvalConfig => ({
  runtime,
  registry: registry(),
  strategies: [{ name: 'default', pipeline: PIPELINE }],
  dataset,
  pairs,
  protocols: ['surveillance', 'tinyface-like'],
  sizes: [0, 16],
  cacheDir: join(root, 'cache'),
  ...over,
});

const readResults = (dir: string): EvalResults => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));

describe('runEvaluation with the default pipeline', () => {
  it('runs both protocols and verification, counts the bad image, writes complete reports', async () => {
    const out = join(root, 'out1');
    const phases = new Set<string>();
    const r = await runEvaluation(config({ outDir: out, onProgress: (p) => phases.add(p.phase) }));
    expect(r.complete).toBe(true);
    expect(phases).toEqual(new Set(['images', 'metrics']));
    expect(r.identification.map((e) => `${e.protocol}@${e.size ?? 'HR'}`)).toEqual(['surveillance@HR', 'surveillance@16', 'tinyface-like@HR', 'tinyface-like@16']);
    const hr = r.identification[0].metrics;
    expect(hr.gallery).toBe(4 + 3);
    expect(hr.probes).toBeGreaterThanOrEqual(7);
    // Other pictures of the same face: HR identification must be near perfect.
    expect(hr.cmc[1]).toBeGreaterThanOrEqual(0.85);
    expect(r.counts).toMatchObject({ unreadable: 1, skipped: 1, distractors: 3, pairs: 7 });
    expect(r.counts.skippedExamples?.[0].item).toBe('person0/person0_9.jpg');
    expect(r.verification.map((v) => v.size)).toEqual([null, 16]);
    expect(r.verification[0].metrics.genuine).toBe(4);
    expect(r.recipe.degradations.sort()).toEqual(['bicubic@16', 'original']);
    expect(r.recipe.packages['@squint/core']).toBeDefined();
    const onDisk = readResults(out);
    expect(onDisk.complete).toBe(true);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).not.toContain('INCOMPLETE');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
    expect(r.notes?.find((n) => n.startsWith('Embeddings'))).not.toMatch(/^Embeddings: 0 computed/);
  });

  it('answers a second run from the cache with the same numbers', async () => {
    const first = readResults(join(root, 'out1'));
    const r = await runEvaluation(config({ outDir: join(root, 'out2') }));
    expect(r.notes?.find((n) => n.startsWith('Embeddings'))).toMatch(/^Embeddings: 0 computed, \d+ from the cache/);
    expect(r.identification.map((e) => e.metrics.mAP)).toEqual(first.identification.map((e) => e.metrics.mAP));
    expect(r.verification.map((e) => e.metrics.auc)).toEqual(first.verification.map((e) => e.metrics.auc));
  });

  it('leaves an INCOMPLETE report when the run stops midway', async () => {
    const out = join(root, 'out3');
    const controller = new AbortController();
    const run = runEvaluation(config({
      outDir: out,
      cacheDir: false,
      batchSize: 4,
      signal: controller.signal,
      onProgress: (p) => { if (p.phase === 'images' && p.done >= 4) controller.abort(); },
    }));
    await expect(run).rejects.toThrow();
    const r = readResults(out);
    expect(r.complete).toBe(false);
    expect(r.incompleteReason).toMatch(/interrupted/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('INCOMPLETE RUN');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('INCOMPLETE');
  });

  it('refuses an unknown strategy before writing anything', async () => {
    const out = join(root, 'out4');
    const e = await runEvaluation(config({ outDir: out, strategies: [{ name: 'sr', pipeline: { ...PIPELINE, preprocessors: ['no-such-sr'] } }] })).catch((x) => x);
    expect(isSquintError(e, 'UNKNOWN_STRATEGY')).toBe(true);
    expect(existsSync(join(out, 'results.json'))).toBe(false);
  });

  it('refuses a protocol whose gallery ends up empty', async () => {
    const broken: IdentificationDataset = { ...dataset, gallery: [{ ...dataset.gallery[0], path: join(root, 'missing.png'), key: 'missing.png' }], distractors: [] };
    const out = join(root, 'out5');
    const e = await runEvaluation(config({ dataset: broken, pairs: undefined, sizes: [0], protocols: ['surveillance'], outDir: out, cacheDir: false })).catch((x) => x);
    expect(isSquintError(e, 'DATASET')).toBe(true);
    expect(e.message).toMatch(/gallery is empty/);
    expect(readResults(out).complete).toBe(false);
  });

  it('fuses flipped embeddings into one unit vector', async () => {
    const pipeline = await createPipelineFromSpec(PIPELINE, { runtime, registry: registry() });
    const face = (await pipeline.detectAndAlign([await runtime.loadImage(join(root, 'faces', 'person1', 'person1_1.png'))]))[0][0];
    const [plain] = await embedFaces(pipeline, [face], false);
    const [fused] = await embedFaces(pipeline, [face], true);
    const [mirror] = await embedFaces(pipeline, [{ ...face, image: flipHorizontal(face.image) }], false);
    const norm = Math.hypot(...fused.embedding);
    expect(norm).toBeCloseTo(1, 5);
    for (const k of [0, 100, 511]) {
      expect(fused.embedding[k]).toBeCloseTo((plain.embedding[k] + mirror.embedding[k]) / Math.hypot(...plain.embedding.map((v, i) => v + mirror.embedding[i])), 5);
    }
  });

  it('runs the TinyFace protocol on native crops as small as 15x22 px', async () => {
    const tf = join(root, 'tinyface');
    for (const folder of ['Probe', 'Gallery_Match', 'Gallery_Distractor']) mkdirSync(join(tf, folder), { recursive: true });
    for (const i of DEMO_FACES.keys()) {
      const src = await runtime.loadImage(join(root, 'faces', `person${i}`, `person${i}_1.png`));
      // A tight face crop (TinyFace style), shrunk to surveillance size.
      const crop = warpAffine(src, [1, 0, -45, 0, 1, -35], 70, 100);
      if (i < 4) {
        await runtime.saveImage(resize(crop, 15, 22, 'area'), join(tf, 'Probe', `${i + 1}_001.png`));
        await runtime.saveImage(resize(crop, 20, 28, 'area'), join(tf, 'Gallery_Match', `${i + 1}_002.png`));
      } else {
        await runtime.saveImage(resize(crop, 18, 25, 'area'), join(tf, 'Gallery_Distractor', `d${i}_1.png`));
      }
    }
    const tiny = await loadTinyFace(tf);
    const r = await runEvaluation(config({ dataset: tiny, pairs: undefined, protocols: undefined, sizes: undefined, cacheDir: false }));
    expect(r.complete).toBe(true);
    expect(r.identification).toHaveLength(1);
    expect(r.identification[0]).toMatchObject({ protocol: 'tinyface', size: null, degradation: 'original' });
    expect(r.identification[0].metrics).toMatchObject({ probes: 4, gallery: 7, probesWithMatch: 4 });
    expect(r.counts.skipped).toBe(0);
  });
});
