import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flipHorizontal, isSquintError, l2normalize, Registry, type AlignedFace, type PipelineSpec, type QualityEstimator, type RgbImage } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { DEMO_FACES, DEMO_PHOTOS, photoOf } from './demo-faces.fixture';
import { defaultModels } from '@squint/models';
import { loadFolderDataset } from './datasets/folder-dataset';
import type { IdentificationDataset } from './datasets/dataset';
import { NATIVE_SIDE, qualityMetrics, recognisabilityBins, withBackbone, type QualityProbe } from './quality-protocol';
import { createRandom } from './random';
import { runEvaluation, type EvalConfig } from './runner';

describe('qualityMetrics', () => {
  // 60 identities; each probe's degraded embedding drifts from its HR one the smaller its face.
  const rnd = createRandom(5);
  const unit = (d: number) => l2normalize(Float32Array.from({ length: d }, () => rnd.normal()));
  const add = (a: Float32Array, b: Float32Array, w: number) => l2normalize(a.map((v, i) => v + w * b[i]));
  const d = 64;
  const gallery = Array.from({ length: 60 }, (_, k) => ({ identity: `id${k}`, embedding: unit(d) }));
  const probes: QualityProbe[] = gallery.map((g, k) => {
    const size = Math.round(12 * (112 / 12) ** rnd.next());
    const hr = add(g.embedding, unit(d), 0.4);
    const degraded = add(hr, unit(d), 70 / size);
    const byNoise = size + 15 * rnd.normal();
    return { key: `id${k}/1.jpg`, identity: g.identity, size, hr, degraded, scores: [byNoise, rnd.next(), k % 5 === 0 ? NaN : size] };
  });
  const estimators = [
    { name: 'noisy size', spec: 'noisy' },
    { name: 'random', spec: 'random' },
    { name: 'gaps', spec: 'gaps', unscoredReason: 'face too small [IMAGE_TOO_SMALL]' },
  ];
  const m = qualityMetrics(probes, gallery, estimators, { fmr: 1e-2 });

  it('counts comparisons and puts the native-side reference first', () => {
    expect(m).toMatchObject({ probes: 60, genuine: 60, impostor: 60 * 59, fmr: 1e-2 });
    expect(m.estimators.map((e) => e.name)).toEqual([NATIVE_SIDE, 'noisy size', 'random', 'gaps']);
    expect(m.estimators[0].spec).toBeNull();
    expect(m.faces).toHaveLength(60);
    expect(m.faces[0].scores).toHaveLength(4);
    expect(m.faces[0].scores[0]).toBe(probes[0].size);
  });

  it('ranks a score that follows the face size above a random one', () => {
    const [side, noisy, random] = m.estimators;
    expect(side.spearman!).toBeGreaterThan(0.8);
    expect(noisy.spearman!).toBeGreaterThan(0.5);
    expect(noisy.spearman!).toBeLessThan(side.spearman!);
    expect(random.spearman!).toBeLessThan(noisy.spearman! - 0.5);
    const fnmr = (e: typeof side, at: number) => e.errorVersusReject.points.find((p) => Math.abs(p.rejected - at) < 1e-9)!.fnmr!;
    expect(fnmr(side, 0)).toBeGreaterThan(0.1);
    // Rejecting the smallest half removes most false non-matches; random rejection does not.
    expect(fnmr(side, 0.5)).toBeLessThan(fnmr(side, 0) / 2);
    expect(fnmr(random, 0.5)).toBeGreaterThan(fnmr(random, 0) * 0.8);
    // One threshold for every estimator: the curves start at the same FNMR.
    expect(new Set(m.estimators.map((e) => e.errorVersusReject.points[0].fnmr)).size).toBe(1);
  });

  it('leaves unscored faces out of Spearman and rejects them first', () => {
    const gaps = m.estimators[3];
    expect(gaps).toMatchObject({ scored: 48, unscored: 12, unscoredReason: 'face too small [IMAGE_TOO_SMALL]' });
    expect(m.faces[0].scores[3]).toBeNull();
    const withoutGaps = qualityMetrics(probes.filter((_, k) => k % 5 !== 0), gallery, estimators, { fmr: 1e-2 });
    expect(gaps.spearman).toBeCloseTo(withoutGaps.estimators[3].spearman!, 10);
    expect(gaps.bins.reduce((s, b) => s + b.count, 0)).toBe(48);
  });

  it('bins recognisability by equal-count score bins, ties kept together', () => {
    const bins = recognisabilityBins([1, 2, 2, 2, 3, 4, 5, 6, 7, 8], [0, 1, 1, 1, 2, 2, 3, 3, 4, 4], 5);
    // The first bin swallows the tied 2s; the others keep to the quantile positions.
    expect(bins.map((b) => b.count)).toEqual([4, 1, 1, 2, 2]);
    expect(bins[0]).toMatchObject({ lo: 1, hi: 2, meanRecognisability: 0.75 });
    expect(bins[4]).toMatchObject({ lo: 7, hi: 8, meanRecognisability: 4 });
  });

  it('gives estimators the pipeline backbone unless they name one', () => {
    expect(withBackbone('stability', 'mobilefacenet')).toEqual({ name: 'stability', options: { backbone: 'mobilefacenet' } });
    expect(withBackbone({ name: 'stability', options: { backbone: 'other' } }, 'mobilefacenet').options.backbone).toBe('other');
  });

  it('refuses a run with no genuine comparison', () => {
    const stranger = probes.map((p) => ({ ...p, identity: `nobody-${p.key}` }));
    const e = (() => {
      try {
        return qualityMetrics(stranger, gallery, estimators);
      } catch (x) {
        return x;
      }
    })();
    expect(isSquintError(e, 'DATASET')).toBe(true);
  });
});

const PIPELINE: PipelineSpec = { detector: 'ultraface', landmarker: 'landmark68', backbone: 'mobilefacenet' };

/**
 * Two real estimators written for this test (eval cannot depend on the quality package, which
 * depends on it): the face's native width, and one that refuses faces under 20 px as CNN-IQA
 * refuses faces smaller than its patch. Both count the faces they see.
 */
function registryWithEstimators(seen: { width: number; picky: number }): Registry {
  const width: QualityEstimator = {
    name: 'width',
    estimate: async (faces: readonly AlignedFace[]) => ((seen.width += faces.length), faces.map((f) => f.image.width)),
  };
  const picky: QualityEstimator = {
    name: 'picky',
    estimate: async (faces: readonly AlignedFace[]) => {
      seen.picky += faces.length;
      if (faces.some((f) => f.image.width < 20)) throw new Error('face smaller than 20 px');
      return faces.map((f) => Math.log(f.image.width));
    },
  };
  return new Registry().use(defaultModels).register('quality', 'width', () => width).register('quality', 'picky', () => picky);
}

describe('runEvaluation with the quality protocol', () => {
  const runtime = createNodeRuntime({ threads: 2 });
  let root: string;
  let dataset: IdentificationDataset;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'squint-eval-quality-'));
    const photos = new Map<number, RgbImage>();
    for (const [n] of DEMO_FACES) if (!photos.has(n)) photos.set(n, await runtime.loadImage(join(DEMO_PHOTOS, `sample${n}.jpg`)));
    // Seven people, four pictures each (different framing, one mirrored): 7 gallery, 21 probes.
    for (const [i, [n, box]] of DEMO_FACES.entries()) {
      const id = `person${i}`;
      mkdirSync(join(root, 'faces', id), { recursive: true });
      const src = photos.get(n)!;
      const views = [photoOf(src, box, 0, 1), photoOf(src, box, 0.06, 1.15), flipHorizontal(photoOf(src, box, -0.04, 0.9)), photoOf(src, box, 0.03, 1.05)];
      for (const [k, v] of views.entries()) await runtime.saveImage(v, join(root, 'faces', id, `${id}_${k + 1}.png`));
    }
    dataset = await loadFolderDataset(join(root, 'faces'), { seed: 1 });
  });

  const config = (seen: { width: number; picky: number }, over: Partial<EvalConfig> = {}): EvalConfig => ({
    runtime,
    registry: registryWithEstimators(seen),
    strategies: [{ name: 'default', pipeline: PIPELINE }],
    dataset,
    protocols: ['quality'],
    quality: { estimators: ['width', 'picky'], sizeRange: [12, 112], fmr: 0.05 },
    seed: 1,
    cacheDir: join(root, 'cache'),
    ...over,
  });

  it('scores every probe at its drawn width, correlates with recognisability, and reports it', async () => {
    const seen = { width: 0, picky: 0 };
    const out = join(root, 'out1');
    const r = await runEvaluation(config(seen, { outDir: out }));
    expect(r.complete).toBe(true);
    expect(r.identification).toEqual([]);
    const [q] = r.quality!;
    expect(q).toMatchObject({ strategy: 'default', protocol: 'quality', degradation: 'bicubic@12~112', probes: 21, genuine: 21, impostor: 21 * 6 });
    expect(r.recipe.degradations.sort()).toEqual(['bicubic@12~112', 'original']);
    expect(seen.width).toBe(21);
    const [side, width, picky] = q.estimators;
    expect(q.estimators.map((e) => e.name)).toEqual([NATIVE_SIDE, 'width', 'picky']);
    // The estimator saw exactly the drawn width: it is the reference row again.
    expect(q.faces.map((f) => f.scores[1])).toEqual(q.faces.map((f) => f.size));
    expect(width.spearman).toBeCloseTo(side.spearman!, 10);
    expect(side.spearman!).toBeGreaterThan(0.5);
    expect(Math.min(...q.faces.map((f) => f.size))).toBeGreaterThanOrEqual(12);
    // A face it refuses costs only itself.
    const small = q.faces.filter((f) => f.size < 20).length;
    expect(small).toBeGreaterThan(0);
    expect(picky).toMatchObject({ unscored: small, scored: 21 - small, unscoredReason: 'face smaller than 20 px' });
    expect(q.faces.filter((f) => f.scores[2] === null).length).toBe(small);
    // Smaller faces are harder: recognisability falls from the top width bin to the bottom one.
    expect(side.bins[side.bins.length - 1].meanRecognisability).toBeGreaterThan(side.bins[0].meanRecognisability + 0.2);
    expect(side.errorVersusReject.points[0].fnmr).not.toBeNull();

    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## Quality');
    expect(md).toMatch(/\| width \| 21 \| [01]\.\d{3} \|/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Error vs reject: default / bicubic@12~112');
    expect(html).toContain('Recognisability by score: default / bicubic@12~112');
  });

  it('answers a second run from the cache: no estimator call, the same numbers', async () => {
    const seen = { width: 0, picky: 0 };
    const first = JSON.parse(readFileSync(join(root, 'out1', 'results.json'), 'utf8'));
    const r = await runEvaluation(config(seen));
    expect(seen).toEqual({ width: 0, picky: 0 });
    expect(r.quality![0].faces).toEqual(first.quality[0].faces);
    expect(r.notes?.find((n) => n.startsWith('Embeddings'))).toMatch(/^Embeddings: 0 computed/);
  });

  it('draws other widths with another seed, and needs an identification dataset', async () => {
    const first = JSON.parse(readFileSync(join(root, 'out1', 'results.json'), 'utf8'));
    const r = await runEvaluation(config({ width: 0, picky: 0 }, { seed: 2, cacheDir: false }));
    expect(r.quality![0].faces.map((f) => f.size)).not.toEqual(first.quality[0].faces.map((f: { size: number }) => f.size));
    const e = await runEvaluation(config({ width: 0, picky: 0 }, { dataset: undefined, pairs: { name: 'p', file: 'p.tsv', root, kind: 'photos', pairs: [] } })).catch((x) => x);
    expect(isSquintError(e, 'INVALID_ARGUMENT')).toBe(true);
    expect(e.message).toMatch(/quality protocol needs an identification dataset/);
  });
});
