import {
  isSquintError, SquintError,
  type AlignedFace, type InferenceRuntime, type PipelineSpec, type QualityEstimator, type Registry, type StrategySpec,
} from '@squint/core';
import { CacheShard } from './cache-shard';
import { estimatorLabel, withBackbone, type QualityEstimatorInput } from './quality-protocol';
import { stableHash } from './stable-hash';

/**
 * Runs the quality estimators of the `quality` protocol on degraded faces as the runner makes them,
 * and remembers each score (one float per face and estimator, cached on disk like embeddings: by
 * detection setup, resolved estimator spec, recipe and seed). The stability estimator costs six
 * embeddings per face, so a second run, or another strategy with the same detection setup and
 * estimator, reuses the scores.
 *
 * Estimators see the degraded aligned face before the pipeline's preprocessors: the quality of what
 * the camera delivered, which is what a gate in front of super-resolution has to judge.
 */
interface ScoredEstimator {
  label: string;
  spec: { name: string; options: Record<string, unknown> };
  estimator: QualityEstimator;
  shard: CacheShard;
  /** This run: faces scored, their wall time, failures and the first reason. */
  computed: number;
  ms: number;
  failed: number;
  reason?: string;
}

export class QualityScorer {
  private constructor(
    /** The recipe whose faces are scored. */
    readonly recipe: string,
    private readonly estimators: ScoredEstimator[],
  ) {}

  /**
   * One scorer per strategy. Estimators and shards with the same identity are shared between
   * strategies (one file is never appended to by two shards).
   */
  static async openAll(
    strategies: readonly { name: string; pipeline: PipelineSpec; alignKey: string }[],
    context: {
      specs?: readonly StrategySpec[];
      recipe: string;
      seed: number;
      cacheDir?: string;
      runtime: InferenceRuntime;
      registry: Registry;
    },
  ): Promise<Map<string, QualityScorer>> {
    const estimators = new Map<string, QualityEstimator>();
    const shards = new Map<string, CacheShard>();
    const out = new Map<string, QualityScorer>();
    for (const s of strategies) {
      const specs = context.specs?.length ? context.specs : [s.pipeline.quality ?? 'classical'];
      const labels = specs.map(estimatorLabel);
      const dup = labels.find((l, i) => labels.indexOf(l) !== i);
      if (dup) throw new SquintError('INVALID_ARGUMENT', `quality estimator "${dup}" is listed twice; give each once`, { input: dup });
      const list: ScoredEstimator[] = [];
      for (const [i, given] of specs.entries()) {
        const spec = withBackbone(given, s.pipeline.backbone);
        const specKey = stableHash(spec);
        let estimator = estimators.get(specKey);
        if (!estimator) estimators.set(specKey, (estimator = await context.registry.create('quality', spec, context.runtime)));
        const meta = { what: 'quality scores', estimator: spec, recipe: context.recipe, seed: context.seed, alignKey: s.alignKey };
        const name = `quality-${stableHash({ ...meta, v: 1 })}`;
        let shard = shards.get(name);
        if (!shard) shards.set(name, (shard = await CacheShard.open(context.cacheDir, name, meta)));
        list.push({ label: labels[i], spec, estimator, shard, computed: 0, ms: 0, failed: 0 });
      }
      out.set(s.name, new QualityScorer(context.recipe, list));
    }
    return out;
  }

  /** Whether some estimator has no score yet for this image. */
  needs(cacheKey: string): boolean {
    return this.estimators.some((e) => !e.shard.has(cacheKey));
  }

  /** Scores the faces each estimator lacks; a face an estimator cannot score is stored as unscored. */
  async score(items: readonly { cacheKey: string; face: AlignedFace }[]): Promise<void> {
    for (const e of this.estimators) {
      const todo = items.filter((it) => !e.shard.has(it.cacheKey));
      if (todo.length === 0) continue;
      const t0 = performance.now();
      const scores = await estimateIsolated(e.estimator, todo.map((it) => it.face));
      e.ms += performance.now() - t0;
      e.computed += todo.length;
      scores.forEach((r, i) => {
        let value = NaN;
        if (r.ok && Number.isFinite(r.value)) value = r.value;
        else {
          e.failed++;
          e.reason ??= r.ok ? `non-finite score ${r.value}` : errorText(r.error);
        }
        e.shard.put(todo[i].cacheKey, new Uint8Array(new Float32Array([value]).buffer));
      });
      await e.shard.flush();
    }
  }

  /** Scores of one image, one per estimator (NaN = unscored or missing). */
  scores(cacheKey: string): number[] {
    return this.estimators.map((e) => {
      const bytes = e.shard.get(cacheKey);
      return bytes ? new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getFloat32(0, true) : NaN;
    });
  }

  /** The estimators as the metrics want them. */
  describe(): QualityEstimatorInput[] {
    return this.estimators.map((e) => {
      const d: QualityEstimatorInput = { name: e.label, spec: e.spec };
      if (e.reason) d.unscoredReason = e.reason;
      if (e.computed > 0) d.msPerFace = e.ms / e.computed;
      return d;
    });
  }

  async close(): Promise<void> {
    for (const e of this.estimators) await e.shard.close();
  }
}

type Scored = { ok: true; value: number } | { ok: false; error: unknown };

/** One call per batch; when it throws, face by face, so one face an estimator refuses costs only itself. */
async function estimateIsolated(estimator: QualityEstimator, faces: readonly AlignedFace[]): Promise<Scored[]> {
  try {
    const out = await estimator.estimate(faces);
    if (out.length !== faces.length) {
      throw new SquintError('INVALID_ARGUMENT', `quality estimator "${estimator.name}" returned ${out.length} scores for ${faces.length} faces`, { input: estimator.name });
    }
    return out.map((value) => ({ ok: true as const, value }));
  } catch (e) {
    if (faces.length === 1) return [{ ok: false, error: e }];
  }
  const out: Scored[] = [];
  for (const f of faces) out.push(...(await estimateIsolated(estimator, [f])));
  return out;
}

function errorText(e: unknown): string {
  if (isSquintError(e)) return `${e.message} [${e.code}]`;
  return (e as Error)?.message ?? String(e);
}
