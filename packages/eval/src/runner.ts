import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  createPipelineFromSpec, dot, flipHorizontal, isSquintError, l2normalize, SquintError,
  type AlignedFace, type AlignmentMethod, type InferenceRuntime, type Pipeline, type PipelineSpec, type Registry, type RgbImage,
} from '@squint/core';
import writeFileAtomic from 'write-file-atomic';
import { alignForEval } from './aligned-crops';
import { CacheShard } from './cache-shard';
import { decodeCrop, decodeEmbedded, encodeCrop, encodeEmbedded, type AlignedCrop, type EmbeddedFace } from './cached-face';
import type { IdentificationDataset, ImageKind, ImageRef, PairsDataset } from './datasets/dataset';
import { degrade, type JpegCodec } from './degradation';
import { IdentificationAccumulator, similarityMatrix } from './identification';
import { checkSizeRange, mixedSizeRecipe, resolveRecipe } from './mixed-size';
import { packageVersions } from './package-versions';
import { checkSizes, parseDegradationTemplate, planProtocols, recipeAt, type ProtocolName, type ProtocolPlan } from './protocols';
import { qualityBreakdown } from './quality-breakdown';
import { DEFAULT_QUALITY_SIZE_RANGE, DEFAULT_REJECT_FRACTIONS, qualityMetrics, type QualityEntry, type QualityProtocolOptions } from './quality-protocol';
import { QualityScorer } from './quality-scorer';
import { deriveSeed } from './random';
import { renderReportHtml, renderReportMarkdown } from './report';
import type { EvalResults, IdentificationEntry, RunCounts, RunRecipe, VerificationEntry } from './results';
import { stableHash } from './stable-hash';
import { scoreHistogram, verificationMetrics } from './verification';

/** One pipeline under test; several run side by side on the same images, degradations and seed. */
export interface EvalStrategy {
  name: string;
  pipeline: PipelineSpec;
}

export interface EvalProgress {
  /** `images`: decoding, aligning and embedding (the slow part); `metrics`: ranking and scoring. */
  phase: 'images' | 'metrics';
  done: number;
  total: number;
}

export interface EvalConfig {
  runtime: InferenceRuntime;
  /** Resolves the strategy names in the pipeline specs (UNKNOWN_STRATEGY otherwise). */
  registry: Registry;
  strategies: EvalStrategy[];
  /** Identification data (gallery, probes, distractors). */
  dataset?: IdentificationDataset;
  /** Verification pairs. */
  pairs?: PairsDataset;
  /** Default: ['tinyface'] for crop datasets, ['surveillance'] otherwise; 'quality' judges quality estimators. */
  protocols?: ProtocolName[];
  /** Settings of the `quality` protocol (estimators, face-size range, FMR). */
  quality?: QualityProtocolOptions;
  /** Probe face widths in px; 0 = HR. Default [0]. */
  sizes?: number[];
  /** Sizes at which the pairs are verified (both sides degraded). Default: `sizes`. */
  pairSizes?: number[];
  /** Degradation without its size: resize method plus optional steps. Default 'bicubic'. */
  degradation?: string;
  /** Seeds every degradation (per image: deriveSeed(seed, image key)). Default 1. */
  seed?: number;
  /** Test-time flip fusion: embedding of the face plus that of its mirror, normalised. */
  flip?: boolean;
  /** Embedding and aligned-crop cache folder; false = memory only. Default '.squint-cache'. */
  cacheDir?: string | false;
  /** Also cache aligned crops on disk (37 KB per image). Default true. */
  cacheCrops?: boolean;
  /** Where results.json, report.md and report.html go; nothing is written without it. */
  outDir?: string;
  /** JPEG round trip for recipes with a jpeg step (the CLI passes sharp's). */
  codec?: JpegCodec;
  /** Images per chunk. Default 32. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: EvalProgress) => void;
  /** Recorded in the recipe. */
  command?: string;
  /** Extra package versions for the recipe (found ones are added automatically). */
  packages?: Record<string, string>;
}

/** What the runner records beyond RunRecipe, so results.json alone says how to run it again. */
export interface EvalRunSettings {
  protocols: ProtocolName[];
  sizes: number[];
  pairSizes: number[];
  degradationTemplate: string;
  flip: boolean;
  kind?: ImageKind;
  pairsFile?: string;
  /** The `quality` protocol's settings, when it ran. */
  quality?: { recipe: string; sizeRange: [number, number]; estimators: (string | Record<string, unknown>)[] | 'pipeline quality, else classical'; fmr: number; fractions: number[] };
}

/** Folder-only, so two checkouts never share a cache by accident. */
export const DEFAULT_CACHE_DIR = '.squint-cache';
export const RESULT_FILES = ['results.json', 'report.md', 'report.html'] as const;

interface Strategy extends EvalStrategy {
  built: Pipeline;
  /** Embedding cache identity: spec + model id + flip. */
  embedKey: string;
  /** Aligned-crop identity: the detection half of the spec. */
  alignKey: string;
}

interface ImageJob {
  ref: ImageRef;
  kind: ImageKind;
  recipes: Set<string>;
  cacheKey?: string;
}

interface Failure {
  reason: string;
  unreadable: boolean;
}

/**
 * Runs identification protocols and verification for every strategy and writes the reports.
 *
 * Each image is decoded and aligned once per detection setup (cached on disk), then each needed
 * degradation of its aligned 112 crop (REFERENCE.md section 1: seeded down-sampling of the aligned
 * crop, handed to the pipeline as an aligned face, which the backbone resizes to its input) is
 * embedded once per strategy (cached on disk by image path + size + mtime, pipeline, recipe and
 * seed). An image that fails anywhere is dropped from every strategy and counted, so strategies
 * are compared on the same images.
 *
 * With `outDir`, an INCOMPLETE report is written before any work starts and replaced only when
 * the run finishes; a run that throws rewrites it with the reason. A report that looks complete
 * is a complete run.
 */
export async function runEvaluation(config: EvalConfig): Promise<EvalResults> {
  const startedAt = new Date().toISOString();
  const { dataset, pairs, runtime, registry } = config;
  if (!dataset && !pairs) throw new SquintError('INVALID_ARGUMENT', 'nothing to evaluate: give a dataset, verification pairs, or both');
  if (!config.strategies?.length) throw new SquintError('INVALID_ARGUMENT', 'give at least one strategy (a name and a pipeline spec)');
  const names = config.strategies.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new SquintError('INVALID_ARGUMENT', `two strategies are named "${dup}"; give each a distinct name`, { input: dup });
  if (dataset && dataset.probes.length === 0) throw new SquintError('DATASET', 'the probe split is empty', { input: dataset.root });
  if (dataset && dataset.gallery.length + dataset.distractors.length === 0) throw new SquintError('DATASET', 'the gallery is empty: the protocol has nothing to search', { input: dataset.root });

  const seed = config.seed ?? 1;
  const flip = config.flip ?? false;
  const templateText = config.degradation ?? 'bicubic';
  const template = parseDegradationTemplate(templateText);
  const sizes = checkSizes(config.sizes ?? [0]);
  const pairSizes = checkSizes(config.pairSizes ?? sizes, 'pairSizes');
  const protocols = config.protocols ?? (dataset?.kind === 'crops' ? ['tinyface'] : ['surveillance']);
  const plans = dataset ? planProtocols(protocols, sizes, template) : [];
  const quality = protocols.includes('quality') ? qualityPlan(config.quality, template, dataset) : undefined;
  const pairRecipes = pairs ? pairSizes.map((s) => ({ size: s, recipe: recipeAt(template, s) })) : [];
  const cacheDir = config.cacheDir === false ? undefined : resolve(config.cacheDir ?? DEFAULT_CACHE_DIR);

  const strategies: Strategy[] = [];
  for (const s of config.strategies) {
    const built = await createPipelineFromSpec(s.pipeline, { runtime, registry });
    const { detector, landmarker, aligner, cropLandmarkSize, smallFaceSize, smallFacePrior } = s.pipeline;
    strategies.push({
      ...s,
      built,
      embedKey: stableHash({ spec: s.pipeline, modelId: built.modelId, flip, v: 1 }),
      // v2: small detections (< smallFaceSize px) are landmarked on an upscaled copy since core 0.1.
      alignKey: stableHash({ detector: detector ?? null, landmarker: landmarker ?? null, aligner: aligner ?? null, cropLandmarkSize, smallFaceSize, smallFacePrior, v: 2 }),
    });
  }

  const scorers = quality
    ? await QualityScorer.openAll(strategies, { specs: config.quality?.estimators, recipe: quality.recipe, seed, cacheDir, runtime, registry })
    : new Map<string, QualityScorer>();

  const recipes = [...new Set([
    ...plans.flatMap((p) => [p.galleryRecipe, p.probeRecipe]),
    ...(quality ? ['original', quality.recipe] : []),
    ...pairRecipes.map((p) => p.recipe),
  ])];
  const settings: EvalRunSettings = {
    protocols: dataset ? protocols : [],
    sizes,
    pairSizes: pairs ? pairSizes : [],
    degradationTemplate: `${template.method}${template.steps}`,
    flip,
    kind: dataset?.kind ?? pairs?.kind,
    pairsFile: pairs?.file,
  };
  if (quality) {
    settings.quality = {
      recipe: quality.recipe,
      sizeRange: quality.sizeRange,
      estimators: config.quality?.estimators?.length ? config.quality.estimators.map((e) => (typeof e === 'string' ? e : { ...e })) : 'pipeline quality, else classical',
      fmr: quality.fmr,
      fractions: quality.fractions,
    };
  }
  const recipe: RunRecipe & EvalRunSettings = {
    dataset: {
      name: [dataset?.name, pairs && `${pairs.name} (pairs)`].filter(Boolean).join(' + '),
      split: dataset?.split,
      splitSeed: dataset?.splitSeed,
      root: dataset?.root ?? pairs?.root,
    },
    seed,
    degradations: recipes,
    strategies: config.strategies.map((s) => ({ name: s.name, pipeline: s.pipeline })),
    packages: { ...packageVersions(), ...config.packages },
    command: config.command,
    ...settings,
  };
  const results: EvalResults = {
    schema: 'squint-eval/1',
    complete: false,
    incompleteReason: `run started at ${startedAt} and has not finished (still running, or stopped)`,
    startedAt,
    recipe,
    counts: { probes: dataset?.probes.length ?? 0, gallery: dataset?.gallery.length ?? 0, distractors: dataset?.distractors.length ?? 0, pairs: pairs?.pairs.length, skipped: 0, unreadable: 0 },
    identification: [],
    verification: [],
    notes: [],
  };
  if (quality) results.quality = [];
  if (config.outDir) await writeOutputs(config.outDir, results);

  try {
    const jobs = collectJobs(dataset, pairs, plans, pairRecipes.map((p) => p.recipe), quality?.recipe);
    const failures = new Map<string, Failure>();
    const store = await embedAll(config, strategies, jobs, failures, { seed, flip, cacheDir, recipes, scorers });
    results.counts = countsOf(dataset, pairs, jobs, failures, strategies, store, results.notes!);
    let done = 0;
    const total = strategies.length * (plans.length + pairRecipes.length + (quality ? 1 : 0));
    for (const s of strategies) {
      for (const plan of plans) {
        config.signal?.throwIfAborted();
        results.identification.push(identify(s, plan, dataset!, failures, store));
        config.onProgress?.({ phase: 'metrics', done: ++done, total });
      }
      if (quality) {
        config.signal?.throwIfAborted();
        results.quality!.push(assessQuality(s, quality, seed, dataset!, failures, store, scorers.get(s.name)!));
        config.onProgress?.({ phase: 'metrics', done: ++done, total });
      }
      for (const { size, recipe: r } of pairRecipes) {
        config.signal?.throwIfAborted();
        results.verification.push(verifyPairs(s, size, r, pairs!, failures, store));
        config.onProgress?.({ phase: 'metrics', done: ++done, total });
      }
    }
    if (flip) results.notes!.push('Test-time flip fusion: each embedding is the normalised sum of the face and its mirror image.');
    results.complete = true;
    delete results.incompleteReason;
    results.finishedAt = new Date().toISOString();
  } catch (e) {
    for (const scorer of scorers.values()) await scorer.close().catch(() => undefined);
    results.complete = false;
    results.finishedAt = new Date().toISOString();
    results.incompleteReason = config.signal?.aborted ? 'interrupted before the end' : `stopped by an error: ${(e as Error)?.message ?? String(e)}`;
    if (config.outDir) await writeOutputs(config.outDir, results);
    throw e;
  }
  for (const scorer of scorers.values()) await scorer.close();
  if (config.outDir) await writeOutputs(config.outDir, results);
  return results;
}

interface QualityPlan {
  recipe: string;
  sizeRange: [number, number];
  fmr: number;
  fractions: number[];
}

function qualityPlan(options: QualityProtocolOptions | undefined, template: ReturnType<typeof parseDegradationTemplate>, dataset: IdentificationDataset | undefined): QualityPlan {
  if (!dataset) throw new SquintError('INVALID_ARGUMENT', 'the quality protocol needs an identification dataset (probes and an HR gallery), e.g. --dataset lfw:PATH');
  const sizeRange = options?.sizeRange ?? DEFAULT_QUALITY_SIZE_RANGE;
  checkSizeRange(sizeRange);
  const fmr = options?.fmr ?? 1e-3;
  if (!(fmr > 0 && fmr < 1)) throw new SquintError('INVALID_ARGUMENT', `the quality protocol's FMR must lie in (0, 1), got ${fmr}`, { input: 'quality.fmr' });
  const fractions = options?.fractions ?? DEFAULT_REJECT_FRACTIONS;
  return { recipe: mixedSizeRecipe(template, sizeRange), sizeRange: [sizeRange[0], sizeRange[1]], fmr, fractions: [...fractions] };
}

/** results.json, report.md, report.html, each written atomically (temp file + rename): never half a report. */
export async function writeOutputs(outDir: string, results: EvalResults): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFileAtomic(join(outDir, 'results.json'), JSON.stringify(results, null, 1) + '\n');
  await writeFileAtomic(join(outDir, 'report.md'), renderReportMarkdown(results));
  await writeFileAtomic(join(outDir, 'report.html'), renderReportHtml(results));
}

/** Every distinct image with the degradations it is needed at. */
function collectJobs(dataset: IdentificationDataset | undefined, pairs: PairsDataset | undefined, plans: ProtocolPlan[], pairRecipes: string[], qualityRecipe?: string): ImageJob[] {
  const jobs = new Map<string, ImageJob>();
  const need = (ref: ImageRef, kind: ImageKind, recipes: Iterable<string>) => {
    let job = jobs.get(ref.path);
    if (!job) jobs.set(ref.path, (job = { ref, kind, recipes: new Set() }));
    for (const r of recipes) job.recipes.add(r);
  };
  if (dataset) {
    for (const item of [...dataset.gallery, ...dataset.distractors]) need(item, dataset.kind, plans.map((p) => p.galleryRecipe));
    for (const item of dataset.probes) need(item, dataset.kind, plans.map((p) => p.probeRecipe));
    if (qualityRecipe) {
      // Quality: degraded probes, and every image in HR (the probes' own HR embedding is the yardstick).
      for (const item of [...dataset.gallery, ...dataset.distractors]) need(item, dataset.kind, ['original']);
      for (const item of dataset.probes) need(item, dataset.kind, ['original', qualityRecipe]);
    }
  }
  for (const p of pairs?.pairs ?? []) {
    need(p.left, pairs!.kind, pairRecipes);
    need(p.right, pairs!.kind, pairRecipes);
  }
  return [...jobs.values()];
}

interface EmbeddingStore {
  /** strategy name -> recipe -> shard keyed by image cache key. */
  shards: Map<string, Map<string, CacheShard>>;
  jobs: Map<string, ImageJob>;
  computed: number;
  fromCache: number;
}

function embeddingOf(store: EmbeddingStore, strategy: string, recipe: string, path: string): EmbeddedFace | undefined {
  const job = store.jobs.get(path);
  const bytes = job?.cacheKey ? store.shards.get(strategy)?.get(recipe)?.get(job.cacheKey) : undefined;
  return bytes ? decodeEmbedded(bytes) : undefined;
}

async function embedAll(
  config: EvalConfig,
  strategies: Strategy[],
  jobs: ImageJob[],
  failures: Map<string, Failure>,
  opts: { seed: number; flip: boolean; cacheDir?: string; recipes: string[]; scorers: Map<string, QualityScorer> },
): Promise<EmbeddingStore> {
  const store: EmbeddingStore = { shards: new Map(), jobs: new Map(jobs.map((j) => [j.ref.path, j])), computed: 0, fromCache: 0 };
  for (const s of strategies) {
    const byRecipe = new Map<string, CacheShard>();
    for (const r of opts.recipes) {
      // 'original' involves no randomness: its embeddings are shared by every seed.
      const meta = { what: 'embeddings', strategy: s.name, pipeline: s.pipeline, modelId: s.built.modelId, recipe: r, seed: r === 'original' ? null : opts.seed, flip: opts.flip };
      byRecipe.set(r, await CacheShard.open(opts.cacheDir, `emb-${stableHash({ embed: s.embedKey, recipe: r, seed: meta.seed })}`, meta));
    }
    store.shards.set(s.name, byRecipe);
  }
  const cropShards = new Map<string, CacheShard>();
  for (const s of strategies) {
    if (cropShards.has(s.alignKey)) continue;
    const dir = config.cacheCrops === false ? undefined : opts.cacheDir;
    const meta = { what: 'aligned crops', detector: s.pipeline.detector ?? null, landmarker: s.pipeline.landmarker ?? null, aligner: s.pipeline.aligner ?? null };
    cropShards.set(s.alignKey, await CacheShard.open(dir, `crops-${s.alignKey}`, meta, { lazy: true }));
  }

  const batch = config.batchSize ?? 32;
  config.onProgress?.({ phase: 'images', done: 0, total: jobs.length });
  for (let start = 0; start < jobs.length; start += batch) {
    config.signal?.throwIfAborted();
    const chunk = jobs.slice(start, start + batch);
    await Promise.all(chunk.map(async (job) => {
      const info = await stat(job.ref.path).catch((e: NodeJS.ErrnoException) => e);
      if (info instanceof Error) failures.set(job.ref.path, { reason: info.code === 'ENOENT' ? 'file not found' : info.message, unreadable: true });
      else if (!info.isFile()) failures.set(job.ref.path, { reason: 'not a file', unreadable: true });
      else job.cacheKey = `${job.ref.key}|${job.ref.path}|${info.size}|${info.mtimeMs}`;
    }));
    const decoded = new Map<string, RgbImage>();
    const decode = async (job: ImageJob): Promise<RgbImage | undefined> => {
      if (failures.has(job.ref.path)) return undefined;
      const have = decoded.get(job.ref.path);
      if (have) return have;
      try {
        const image = await config.runtime.loadImage(job.ref.path, job.ref.key);
        decoded.set(job.ref.path, image);
        return image;
      } catch (e) {
        failures.set(job.ref.path, { reason: errorText(e), unreadable: true });
        return undefined;
      }
    };

    for (const s of strategies) {
      const shards = store.shards.get(s.name)!;
      const scorer = opts.scorers.get(s.name);
      const unscored = (j: ImageJob, r: string) => scorer !== undefined && r === scorer.recipe && scorer.needs(j.cacheKey!);
      const todo: ImageJob[] = [];
      for (const j of chunk) {
        if (failures.has(j.ref.path)) continue;
        const cached = [...j.recipes].filter((r) => shards.get(r)!.has(j.cacheKey!)).length;
        store.fromCache += cached;
        if (cached < j.recipes.size || [...j.recipes].some((r) => unscored(j, r))) todo.push(j);
      }
      if (todo.length === 0) continue;
      const crops = await alignedCrops(s, todo, cropShards.get(s.alignKey)!, decode, failures);
      for (const r of opts.recipes) {
        const shard = shards.get(r)!;
        const degraded = todo.filter((j) => j.recipes.has(r) && crops.has(j.ref.path) && (!shard.has(j.cacheKey!) || unscored(j, r)));
        if (degraded.length === 0) continue;
        const allFaces: AlignedFace[] = [];
        for (const j of degraded) {
          const crop = crops.get(j.ref.path)!;
          // A mixed-size recipe becomes this image's own width here (seeded by its key).
          const concrete = resolveRecipe(r, opts.seed, j.ref.key).recipe;
          const image = concrete === 'original' ? crop.image : await degrade(crop.image, concrete, deriveSeed(opts.seed, j.ref.key), { codec: config.codec });
          allFaces.push({ image, alignment: 'given', sourceIndex: 0 });
        }
        const toScore = degraded.map((j, i) => ({ cacheKey: j.cacheKey!, face: allFaces[i] })).filter((_, i) => unscored(degraded[i], r));
        if (toScore.length) await scorer!.score(toScore);
        const items = degraded.filter((j) => !shard.has(j.cacheKey!));
        if (items.length === 0) continue;
        const faces = degraded.flatMap((j, i) => (shard.has(j.cacheKey!) ? [] : [allFaces[i]])).map((f, i) => ({ ...f, sourceIndex: i }));
        const embedded = await embedIsolated(s.built, faces, opts.flip);
        embedded.forEach((e, i) => {
          const job = items[i];
          if (!e.ok) {
            failures.set(job.ref.path, { reason: `${r}: ${errorText(e.error)}`, unreadable: false });
            return;
          }
          const crop = crops.get(job.ref.path)!;
          shard.put(job.cacheKey!, encodeEmbedded({ ...e.value, alignment: crop.alignment, faceWidth: crop.faceWidth }));
          store.computed++;
        });
        await shard.flush();
      }
    }
    config.onProgress?.({ phase: 'images', done: Math.min(jobs.length, start + batch), total: jobs.length });
  }
  for (const shard of cropShards.values()) await shard.close();
  return store;
}

async function alignedCrops(
  s: Strategy,
  jobs: ImageJob[],
  shard: CacheShard,
  decode: (job: ImageJob) => Promise<RgbImage | undefined>,
  failures: Map<string, Failure>,
): Promise<Map<string, AlignedCrop>> {
  const out = new Map<string, AlignedCrop>();
  const missing: ImageJob[] = [];
  for (const j of jobs) {
    const bytes = await shard.read(j.cacheKey!);
    if (bytes) out.set(j.ref.path, decodeCrop(bytes));
    else missing.push(j);
  }
  const loaded: { job: ImageJob; image: RgbImage }[] = [];
  for (const job of missing) {
    const image = await decode(job);
    if (image) loaded.push({ job, image });
  }
  // One kind per call: a run may mix photo identification with crop pairs.
  for (const kind of new Set(loaded.map((l) => l.job.kind))) {
    const group = loaded.filter((l) => l.job.kind === kind);
    const aligned = await alignForEval(s.built, kind, group.map((l) => l.image));
    aligned.forEach((a, i) => {
      const { job } = group[i];
      if (!a.ok) {
        failures.set(job.ref.path, { reason: `alignment: ${errorText(a.error)}`, unreadable: false });
        return;
      }
      out.set(job.ref.path, a.value);
      shard.put(job.cacheKey!, encodeCrop(a.value));
    });
  }
  await shard.flush();
  return out;
}

type Embedded = { ok: true; value: { embedding: Float32Array; quality?: number } } | { ok: false; error: unknown };

/** Embeds a batch; when the batch throws, each face alone, so one bad face costs only itself. */
async function embedIsolated(pipeline: Pipeline, faces: AlignedFace[], flip: boolean): Promise<Embedded[]> {
  try {
    return (await embedFaces(pipeline, faces, flip)).map((value) => ({ ok: true as const, value }));
  } catch (e) {
    if (faces.length === 1) return [{ ok: false, error: e }];
  }
  const out: Embedded[] = [];
  for (const f of faces) out.push(...(await embedIsolated(pipeline, [f], flip)));
  return out;
}

/** Flip fusion: one batch of faces and mirrors, then sum and normalise each pair. */
export async function embedFaces(pipeline: Pipeline, faces: readonly AlignedFace[], flip: boolean): Promise<{ embedding: Float32Array; quality?: number }[]> {
  const n = faces.length;
  const input = flip ? [...faces, ...faces.map((f) => ({ ...f, image: flipHorizontal(f.image) }))] : faces;
  const out = await pipeline.embedAligned(input);
  return faces.map((_, i) => {
    const e = out[i];
    if (!flip) return { embedding: e.embedding, quality: e.quality };
    const sum = new Float32Array(e.embedding.length);
    const m = out[i + n].embedding;
    for (let k = 0; k < sum.length; k++) sum[k] = e.embedding[k] + m[k];
    return { embedding: l2normalize(sum), quality: e.quality };
  });
}

function identify(s: Strategy, plan: ProtocolPlan, dataset: IdentificationDataset, failures: Map<string, Failure>, store: EmbeddingStore): IdentificationEntry {
  const ok = (path: string) => !failures.has(path);
  const gallery = [...dataset.gallery, ...dataset.distractors].filter((i) => ok(i.path));
  const probes = dataset.probes.filter((i) => ok(i.path));
  if (gallery.length === 0) {
    throw new SquintError('DATASET', `every gallery image failed (${failures.size} skipped); the gallery is empty, see the skipped examples`, { input: dataset.root });
  }
  if (probes.length === 0) throw new SquintError('DATASET', 'every probe image failed; the probe split is empty', { input: dataset.root });
  const galleryEmb = gallery.map((i) => embeddingOf(store, s.name, plan.galleryRecipe, i.path)!.embedding);
  const probeFaces = probes.map((i) => embeddingOf(store, s.name, plan.probeRecipe, i.path)!);
  const acc = new IdentificationAccumulator(gallery.map((i) => i.identity));
  const rows = 256;
  for (let start = 0; start < probes.length; start += rows) {
    const part = probeFaces.slice(start, start + rows);
    const sims = similarityMatrix(part.map((f) => f.embedding), galleryEmb);
    part.forEach((_, i) => acc.add(probes[start + i].identity, sims.subarray(i * gallery.length, (i + 1) * gallery.length)));
  }
  const { perProbe, ...metrics } = acc.result();
  const breakdowns: IdentificationEntry['breakdowns'] = [];
  const widths = probeFaces.map((f) => f.faceWidth);
  if (new Set(widths.map(Math.round)).size > 1) breakdowns.push({ covariate: 'source face width (px)', ...qualityBreakdown(widths, perProbe) });
  const quality = probeFaces.map((f) => f.quality ?? NaN);
  if (quality.some(Number.isFinite)) breakdowns.push({ covariate: 'estimated quality', ...qualityBreakdown(quality, perProbe) });
  return {
    strategy: s.name,
    protocol: plan.protocol,
    // The plain recipe name: the report draws one line per strategy across sizes from it.
    degradation: plan.probeRecipe,
    size: plan.size === 0 ? null : plan.size,
    metrics,
    breakdowns: breakdowns.length ? breakdowns : undefined,
  };
}

/** The quality protocol for one strategy: probes degraded to their drawn widths against the HR gallery. */
function assessQuality(s: Strategy, plan: QualityPlan, seed: number, dataset: IdentificationDataset, failures: Map<string, Failure>, store: EmbeddingStore, scorer: QualityScorer): QualityEntry {
  const ok = (path: string) => !failures.has(path);
  const gallery = [...dataset.gallery, ...dataset.distractors].filter((i) => ok(i.path));
  const probes = dataset.probes.filter((i) => ok(i.path)).map((item) => ({
    key: item.key,
    identity: item.identity,
    size: resolveRecipe(plan.recipe, seed, item.key).size,
    degraded: embeddingOf(store, s.name, plan.recipe, item.path)!.embedding,
    hr: embeddingOf(store, s.name, 'original', item.path)!.embedding,
    scores: scorer.scores(store.jobs.get(item.path)!.cacheKey!),
  }));
  const metrics = qualityMetrics(
    probes,
    gallery.map((i) => ({ identity: i.identity, embedding: embeddingOf(store, s.name, 'original', i.path)!.embedding })),
    scorer.describe(),
    { fmr: plan.fmr, fractions: plan.fractions },
  );
  return { strategy: s.name, protocol: 'quality', degradation: plan.recipe, sizeRange: plan.sizeRange, ...metrics };
}

function verifyPairs(s: Strategy, size: number, recipe: string, pairs: PairsDataset, failures: Map<string, Failure>, store: EmbeddingStore): VerificationEntry {
  const usable = pairs.pairs.filter((p) => !failures.has(p.left.path) && !failures.has(p.right.path));
  const scores = usable.map((p) => dot(embeddingOf(store, s.name, recipe, p.left.path)!.embedding, embeddingOf(store, s.name, recipe, p.right.path)!.embedding));
  const same = usable.map((p) => p.same);
  if (usable.length < 2) throw new SquintError('DATASET', `only ${usable.length} usable pair(s) left after skipping bad images; verification needs more`, { input: pairs.file });
  // LFW's 10 folds; a tiny pair list gets one fold per pair.
  const { calibratedThreshold: _calibrated, ...metrics } = verificationMetrics(scores, same, { folds: Math.min(10, usable.length) });
  return {
    strategy: s.name,
    protocol: 'verification',
    degradation: recipe,
    size: size === 0 ? null : size,
    metrics,
    histogram: scoreHistogram(scores.filter((_, i) => same[i]), scores.filter((_, i) => !same[i])),
  };
}

function countsOf(
  dataset: IdentificationDataset | undefined,
  pairs: PairsDataset | undefined,
  jobs: ImageJob[],
  failures: Map<string, Failure>,
  strategies: Strategy[],
  store: EmbeddingStore,
  notes: string[],
): RunCounts {
  const ok = (path: string) => !failures.has(path);
  const unreadable = [...failures.values()].filter((f) => f.unreadable).length;
  let noFace = 0;
  for (const s of strategies) {
    const methods = new Map<AlignmentMethod, number>();
    let fellBack = 0;
    for (const job of jobs) {
      if (!ok(job.ref.path)) continue;
      const face = embeddingOf(store, s.name, [...job.recipes][0], job.ref.path);
      if (!face) continue;
      methods.set(face.alignment, (methods.get(face.alignment) ?? 0) + 1);
      if (job.kind === 'photos' && face.alignment !== 'landmarks') fellBack++;
    }
    noFace = Math.max(noFace, fellBack);
    const list = [...methods].map(([m, n]) => `${n} ${m}`).join(', ');
    notes.push(`${s.name}: alignment of the ${jobs.length - failures.size} usable images: ${list || 'none'}` +
      (fellBack ? ` (${fellBack} photos had no detected face and were aligned by the crop rule)` : ''));
  }
  notes.push(`Embeddings: ${store.computed} computed, ${store.fromCache} from the cache.`);
  const pairsUsed = pairs?.pairs.filter((p) => ok(p.left.path) && ok(p.right.path)).length;
  if (pairs && pairsUsed! < pairs.pairs.length) notes.push(`${pairs.pairs.length - pairsUsed!} of ${pairs.pairs.length} pairs left out: one of their images was skipped.`);
  const counts: RunCounts = {
    probes: dataset?.probes.filter((i) => ok(i.path)).length ?? 0,
    gallery: dataset?.gallery.filter((i) => ok(i.path)).length ?? 0,
    distractors: dataset?.distractors.filter((i) => ok(i.path)).length ?? 0,
    skipped: failures.size,
    unreadable,
    noFace,
    skippedExamples: [...failures].slice(0, 10).map(([path, f]) => ({ item: store.jobs.get(path)?.ref.key ?? path, reason: f.reason })),
  };
  if (pairs) counts.pairs = pairsUsed;
  return counts;
}

function errorText(e: unknown): string {
  if (isSquintError(e)) return `${e.message} [${e.code}]`;
  return (e as Error)?.message ?? String(e);
}
