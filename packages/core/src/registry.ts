import type { Aligner } from './aligner';
import type { Backbone } from './backbone';
import type { Detector } from './detector';
import { SquintError } from './errors';
import type { Landmarker } from './landmarker';
import type { Preprocessor } from './preprocessor';
import type { QualityEstimator } from './quality-estimator';
import type { InferenceRuntime } from './runtime';

export interface StrategyKinds {
  detector: Detector;
  landmarker: Landmarker;
  aligner: Aligner;
  preprocessor: Preprocessor;
  quality: QualityEstimator;
  backbone: Backbone;
}
export type StrategyKind = keyof StrategyKinds;

export interface StrategyContext {
  runtime: InferenceRuntime;
  registry: Registry;
}

export type StrategyFactory<K extends StrategyKind> = (
  options: Record<string, unknown>,
  context: StrategyContext,
) => StrategyKinds[K] | Promise<StrategyKinds[K]>;

/** A strategy named in JSON: "bicubic" or { "name": "bicubic", "options": { ... } }. */
export type StrategySpec = string | { name: string; options?: Record<string, unknown> };

/** What a plugin package exports so that JSON pipelines (CLI, eval) can name its strategies. */
export interface SquintPlugin {
  name: string;
  register(registry: Registry): void;
}

export class Registry {
  private readonly factories = new Map<string, StrategyFactory<StrategyKind>>();

  register<K extends StrategyKind>(kind: K, name: string, factory: StrategyFactory<K>): this {
    this.factories.set(`${kind}:${name}`, factory as unknown as StrategyFactory<StrategyKind>);
    return this;
  }

  use(...plugins: SquintPlugin[]): this {
    for (const p of plugins) p.register(this);
    return this;
  }

  has(kind: StrategyKind, name: string): boolean {
    return this.factories.has(`${kind}:${name}`);
  }

  names(kind: StrategyKind): string[] {
    const prefix = `${kind}:`;
    return [...this.factories.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort();
  }

  async create<K extends StrategyKind>(kind: K, spec: StrategySpec, runtime: InferenceRuntime): Promise<StrategyKinds[K]> {
    const { name, options = {} } = typeof spec === 'string' ? { name: spec } : spec;
    const factory = this.factories.get(`${kind}:${name}`);
    if (!factory) {
      const known = this.names(kind);
      throw new SquintError('UNKNOWN_STRATEGY', `unknown ${kind} "${name}"; registered: ${known.length ? known.join(', ') : '(none — did you register the plugin that provides it?)'}`, { input: name });
    }
    return (await factory(options, { runtime, registry: this })) as StrategyKinds[K];
  }
}
