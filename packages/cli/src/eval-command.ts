import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { SquintError, type PipelineSpec, type Registry, type StrategySpec } from '@squint/core';
import {
  loadDatasetSpec, loadPairs, parseDatasetSpec, PROTOCOL_NAMES, RESULT_FILES, runEvaluation,
  type EvalProgress, type EvalResults, type EvalStrategy, type ImageKind, type JpegCodec, type ProtocolName,
} from '@squint/eval';
import { createNodeRuntime, encodeImage, loadImage } from '@squint/node';
import { createRegistry, DEFAULT_PIPELINE, readPipelineSpec } from './context';
import { startProgress, type Progress } from './progress';

export interface EvalCommandDeps {
  /** Where the summary goes (stdout by default). */
  out?: (s: string) => void;
  /** Receives the exit code: 0 complete, 130 interrupted. */
  onExit?: (code: number) => void;
  /** Default: the CLI's registry (default models + quality + SR plugins). */
  registry?: () => Registry;
}

interface EvalOptions {
  dataset?: string;
  protocol?: string[];
  size?: number[];
  pairs?: string;
  pairsRoot?: string;
  pairSize?: number[];
  out: string;
  seed: number;
  flip?: boolean;
  degrade: string;
  maxIdentities?: number;
  maxProbesPerIdentity?: number;
  maxDistractors?: number;
  maxProbes?: number;
  kind?: ImageKind;
  cache: string | false;
  batch?: number;
  quality?: StrategySpec[];
  mixedSizes?: [number, number];
  qualityFmr?: number;
}

const count = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
};
/** A face width; "hr" (or 0) = the undegraded aligned crop. */
const size = (v: string, prev: number[] | undefined) => [...(prev ?? []), v.toLowerCase() === 'hr' ? 0 : count(v)];
const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];
/** A quality strategy: a registered name, or a JSON spec such as '{"name":"stability","options":{"perturbations":["flip"]}}'. */
const qualitySpec = (v: string, prev: StrategySpec[] | undefined): StrategySpec[] => {
  let spec: StrategySpec = v;
  if (v.trim().startsWith('{')) {
    try {
      spec = JSON.parse(v) as StrategySpec;
    } catch (e) {
      throw new InvalidArgumentError(`not valid JSON (${(e as Error).message})`);
    }
    if (typeof (spec as { name?: unknown }).name !== 'string') throw new InvalidArgumentError('a JSON quality spec needs a "name"');
  }
  return [...(prev ?? []), spec];
};
const sizeRange = (v: string): [number, number] => {
  const m = /^(\d+):(\d+)$/.exec(v.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < Number(m[1])) throw new InvalidArgumentError('expected LOW:HIGH face widths in px, 1 <= LOW <= HIGH, e.g. 12:112');
  return [Number(m[1]), Number(m[2])];
};
const rate = (v: string) => {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('expected a rate between 0 and 1, e.g. 1e-3');
  return n;
};

const version = (() => {
  try {
    return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
})();

/**
 * `squint eval`: identification protocols and verification for one or more pipelines, written to
 * results.json, report.md and report.html in --out.
 */
export function addEvalCommand(program: Command, deps: EvalCommandDeps = {}): Command {
  const out = deps.out ?? ((s: string) => process.stdout.write(s + '\n'));
  const pipelineFiles = watchPipelineOption(program);
  return program.command('eval')
    .description('benchmark pipelines: identification (surveillance, TinyFace-like, TinyFace), verification and quality estimators, with reports')
    .option('--pipeline <file>', 'pipeline JSON; repeat to compare strategies side by side (same images, same seed)')
    .option('--dataset <type:path>', 'lfw:<folder per identity> | tinyface:<root> | manifest:<file.csv|json> | pairs:<pairs file>; relative paths are also looked up under $SQUINT_DATA')
    .option('--protocol <name>', `${PROTOCOL_NAMES.join(' | ')}; repeatable (default: surveillance, or tinyface for crops)`, collect)
    .option('--size <px>', 'probe face width in px, or "hr"; repeatable (default: hr)', size)
    .option('--pairs <file>', 'verification pairs (TSV "left right same" or LFW pairs.txt)')
    .option('--pairs-root <dir>', 'folder the pair paths are relative to (default: the dataset root, else the pairs file\'s folder)')
    .option('--pair-size <px>', 'face width for verification, or "hr"; repeatable (default: the --size values)', size)
    .option('-o, --out <dir>', 'output folder for results.json, report.md, report.html', 'results')
    .option('--seed <n>', 'seed for the split and every degradation', count, 1)
    .option('--flip', 'test-time flip fusion (embedding of face + mirror, normalised)')
    .option('--degrade <recipe>', 'degradation without the size: nearest|bilinear|bicubic|area, then +blurS +noiseS +posterizeB +jpegQ +zoom', 'bicubic')
    .option('--max-identities <n>', 'folder/manifest datasets: at most this many enrolled identities (seeded)', count)
    .option('--max-probes-per-identity <n>', 'folder/manifest datasets: at most this many probes per identity', count)
    .option('--max-distractors <n>', 'at most this many distractors (seeded)', count)
    .option('--max-probes <n>', 'TinyFace: at most this many probes (seeded)', count)
    .option('--kind <kind>', 'override what the images are: photos (detect) | crops | aligned')
    .option('--cache <dir>', 'embedding and aligned-crop cache', '.squint-cache')
    .option('--no-cache', 'keep nothing on disk between runs')
    .option('--batch <n>', 'images per chunk', count)
    .option('--quality <strategy>', 'quality protocol: an estimator to judge (registered name, or JSON spec); repeatable (default: the pipeline\'s quality, else classical)', qualitySpec)
    .option('--mixed-sizes <low:high>', 'quality protocol: probe face widths drawn log-uniformly from this range (px)', sizeRange, [12, 112] as [number, number])
    .option('--quality-fmr <rate>', 'quality protocol: the FMR at which FNMR is read', rate, 1e-3)
    .action(async (opts: EvalOptions, cmd: Command) => {
      const root = cmd.parent ?? program;
      const g = root.opts<{ threads?: number; json?: boolean }>();
      const command = ['squint', ...process.argv.slice(2)].join(' ');
      const code = await runEvalCommand(opts, pipelineFiles(), { threads: g.threads, json: g.json ?? false, registry: deps.registry ?? createRegistry, out, command });
      deps.onExit?.(code);
    });
}

/**
 * Every `--pipeline` value, in order. The root program declares `--pipeline` too (for the other
 * commands), and commander lets a root option win wherever it appears on the line, keeping only its
 * last value; so the values are collected from the root's option events, which all fire while the
 * root parses, before it dispatches to a subcommand.
 */
function watchPipelineOption(program: Command): () => string[] {
  let parsing: string[] = [];
  let parsed: string[] = [];
  program.on('option:pipeline', (value: string) => parsing.push(value));
  program.hook('preSubcommand', () => {
    parsed = parsing;
    parsing = [];
  });
  return () => parsed;
}

async function runEvalCommand(
  opts: EvalOptions,
  pipelines: string[],
  ctx: { threads?: number; json: boolean; registry: () => Registry; out: (s: string) => void; command: string },
): Promise<number> {
  if (!opts.dataset && !opts.pairs) {
    throw new SquintError('INVALID_ARGUMENT', 'give --dataset (e.g. lfw:../shared/data/lfw-dev) and/or --pairs; set SQUINT_DATA to look datasets up by relative path');
  }
  for (const p of opts.protocol ?? []) {
    if (!PROTOCOL_NAMES.includes(p as ProtocolName)) throw new SquintError('INVALID_ARGUMENT', `unknown protocol "${p}"; use ${PROTOCOL_NAMES.join(', ')}`, { input: p });
  }
  if (opts.kind && !['photos', 'crops', 'aligned'].includes(opts.kind)) {
    throw new SquintError('INVALID_ARGUMENT', `--kind must be photos, crops or aligned, got "${opts.kind}"`, { input: opts.kind });
  }
  const strategies = await readStrategies(pipelines);
  const split = { seed: opts.seed, maxIdentities: opts.maxIdentities, maxProbesPerIdentity: opts.maxProbesPerIdentity, maxDistractors: opts.maxDistractors, maxProbes: opts.maxProbes };
  const loaded = opts.dataset ? await loadDatasetSpec(parseDatasetSpec(opts.dataset), split) : {};
  const dataset = loaded.identification && opts.kind ? { ...loaded.identification, kind: opts.kind } : loaded.identification;
  let pairs = loaded.pairs;
  if (opts.pairs) {
    const pairsRoot = opts.pairsRoot ?? dataset?.root;
    pairs = await loadPairs(parseDatasetSpec(`pairs:${opts.pairs}`).path, { root: pairsRoot, kind: opts.kind ?? dataset?.kind });
  }
  if (pairs && opts.kind) pairs = { ...pairs, kind: opts.kind };

  const runtime = createNodeRuntime({ threads: ctx.threads });
  const codec: JpegCodec = {
    encodeJpeg: (image, quality) => encodeImage(image, 'jpeg', { quality }),
    decodeJpeg: (bytes) => loadImage(bytes, 'jpeg round trip'),
  };
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const bars = new Map<EvalProgress['phase'], { bar: Progress; at: number; stopped: boolean }>();
  const onProgress = (p: EvalProgress) => {
    let b = bars.get(p.phase);
    if (!b) bars.set(p.phase, (b = { bar: startProgress(p.phase === 'images' ? 'images ' : 'metrics', p.total, !ctx.json), at: 0, stopped: false }));
    if (p.done > b.at) b.bar.tick(p.done - b.at);
    b.at = Math.max(b.at, p.done);
    if (p.done >= p.total && !b.stopped) {
      b.bar.stop();
      b.stopped = true;
    }
  };
  let results: EvalResults;
  try {
    results = await runEvaluation({
      runtime,
      registry: ctx.registry(),
      strategies,
      dataset,
      pairs,
      protocols: opts.protocol as ProtocolName[] | undefined,
      quality: { estimators: opts.quality, sizeRange: opts.mixedSizes, fmr: opts.qualityFmr },
      sizes: opts.size,
      pairSizes: opts.pairSize,
      degradation: opts.degrade,
      seed: opts.seed,
      flip: opts.flip,
      cacheDir: opts.cache,
      outDir: opts.out,
      codec,
      batchSize: opts.batch,
      signal: controller.signal,
      onProgress,
      command: ctx.command,
      packages: version ? { '@squint/cli': version } : undefined,
    });
  } catch (e) {
    if (controller.signal.aborted) {
      process.stderr.write(`\nsquint eval: interrupted; ${join(opts.out, 'report.html')} is marked INCOMPLETE\n`);
      return 130;
    }
    throw e;
  } finally {
    for (const b of bars.values()) if (!b.stopped) b.bar.stop();
    process.off('SIGINT', onSigint);
  }
  if (ctx.json) ctx.out(JSON.stringify(summary(results), null, 2));
  else {
    ctx.out(summaryTable(results));
    ctx.out(`\nWrote ${RESULT_FILES.map((f) => join(opts.out, f)).join(', ')}`);
  }
  return 0;
}

async function readStrategies(files: string[]): Promise<EvalStrategy[]> {
  if (files.length === 0) return [{ name: 'default', pipeline: DEFAULT_PIPELINE }];
  const used = new Map<string, number>();
  const out: EvalStrategy[] = [];
  for (const file of files) {
    const pipeline: PipelineSpec = await readPipelineSpec(file);
    const base = basename(file).replace(/\.json$/i, '');
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    out.push({ name: n === 1 ? base : `${base}-${n}`, pipeline });
  }
  return out;
}

const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : (v * 100).toFixed(1));

function summary(r: EvalResults) {
  return {
    complete: r.complete,
    counts: r.counts,
    identification: r.identification.map((e) => ({ strategy: e.strategy, protocol: e.protocol, size: e.size, degradation: e.degradation, rank1: e.metrics.cmc[1], rank5: e.metrics.cmc[5], mAP: e.metrics.mAP })),
    verification: r.verification.map((e) => ({ strategy: e.strategy, size: e.size, degradation: e.degradation, accuracy: e.metrics.accuracy.mean, std: e.metrics.accuracy.std })),
    quality: (r.quality ?? []).flatMap((e) => e.estimators.map((q) => ({
      strategy: e.strategy,
      degradation: e.degradation,
      estimator: q.name,
      spearman: q.spearman,
      fmr: e.fmr,
      fnmr: q.errorVersusReject.points.map((p) => ({ rejected: p.rejected, fnmr: p.fnmr })),
    }))),
  };
}

function summaryTable(r: EvalResults): string {
  const lines: string[] = [];
  const c = r.counts;
  lines.push(`probes ${c.probes}, gallery ${c.gallery} + ${c.distractors} distractors${c.pairs !== undefined ? `, pairs ${c.pairs}` : ''}; skipped ${c.skipped} (unreadable ${c.unreadable})`);
  if (r.identification.length) {
    lines.push('', 'strategy | protocol | size | rank-1 | rank-5 | mAP', '---|---|---|---|---|---');
    for (const e of r.identification) {
      lines.push(`${e.strategy} | ${e.protocol} | ${e.size ?? 'HR'} | ${pct(e.metrics.cmc[1])} | ${pct(e.metrics.cmc[5])} | ${pct(e.metrics.mAP)}`);
    }
  }
  if (r.verification.length) {
    lines.push('', 'strategy | verification size | accuracy', '---|---|---');
    for (const e of r.verification) lines.push(`${e.strategy} | ${e.size ?? 'HR'} | ${pct(e.metrics.accuracy.mean)} ± ${pct(e.metrics.accuracy.std)}`);
  }
  for (const e of r.quality ?? []) {
    const at = (q: (typeof e.estimators)[number], f: number) => pct(q.errorVersusReject.points[e.fractions.findIndex((x) => Math.abs(x - f) < 1e-9)]?.fnmr ?? undefined);
    lines.push('', `quality: ${e.strategy}, ${e.degradation}, ${e.probes} probes, FNMR (%) at FMR ${e.fmr}`, 'estimator | Spearman | FNMR 0% rejected | 10% | 20% | 30% | 50%', '---|---|---|---|---|---|---');
    for (const q of e.estimators) {
      lines.push(`${q.name} | ${q.spearman === null ? 'n/a' : q.spearman.toFixed(3)} | ${[0, 0.1, 0.2, 0.3, 0.5].map((f) => at(q, f)).join(' | ')}`);
    }
  }
  return lines.join('\n');
}
