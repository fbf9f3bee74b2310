import { SquintError } from './errors';
import { Pipeline, type PipelineOptions } from './pipeline';
import type { Registry, StrategySpec } from './registry';
import type { InferenceRuntime } from './runtime';
import { createTemplateAligner } from './alignment';

/**
 * A pipeline described as data, so the CLI and the evaluator can swap strategies without code:
 * { "detector": "ultraface", "landmarker": "landmark68",
 *   "preprocessors": [{ "name": "esrgan", "options": { "variant": "slim" } }],
 *   "quality": "classical", "backbone": "mobilefacenet", "minQuality": 0.2 }
 * Strategy names resolve through a Registry that plugins have registered into.
 */
export interface PipelineSpec extends Omit<PipelineOptions, 'onStage'> {
  detector?: StrategySpec | null;
  landmarker?: StrategySpec | null;
  aligner?: StrategySpec;
  preprocessors?: StrategySpec[];
  quality?: StrategySpec | null;
  backbone: StrategySpec;
}

const KEYS = new Set(['detector', 'landmarker', 'aligner', 'preprocessors', 'quality', 'backbone', 'minQuality', 'batchSize', 'cropLandmarkSize', 'smallFaceSize', 'smallFacePrior']);

export async function createPipelineFromSpec(
  spec: PipelineSpec,
  context: { runtime: InferenceRuntime; registry: Registry; onStage?: PipelineOptions['onStage'] },
): Promise<Pipeline> {
  if (!spec || typeof spec !== 'object') throw new SquintError('INVALID_ARGUMENT', 'pipeline spec must be a JSON object');
  const unknown = Object.keys(spec).filter((k) => !KEYS.has(k));
  if (unknown.length) {
    throw new SquintError('INVALID_ARGUMENT', `unknown pipeline key(s): ${unknown.join(', ')}; allowed: ${[...KEYS].join(', ')}`);
  }
  if (!spec.backbone) throw new SquintError('INVALID_ARGUMENT', 'pipeline spec needs a "backbone"');
  const { runtime, registry } = context;
  const make = <K extends Parameters<Registry['create']>[0]>(kind: K, s: StrategySpec | null | undefined) =>
    s ? registry.create(kind, s, runtime) : Promise.resolve(undefined);
  return new Pipeline(
    {
      detector: await make('detector', spec.detector),
      landmarker: await make('landmarker', spec.landmarker),
      aligner: spec.aligner ? await registry.create('aligner', spec.aligner, runtime) : createTemplateAligner(),
      preprocessors: await Promise.all((spec.preprocessors ?? []).map((p) => registry.create('preprocessor', p, runtime))),
      quality: await make('quality', spec.quality),
      backbone: await registry.create('backbone', spec.backbone, runtime),
    },
    { minQuality: spec.minQuality, batchSize: spec.batchSize, cropLandmarkSize: spec.cropLandmarkSize, smallFaceSize: spec.smallFaceSize, smallFacePrior: spec.smallFacePrior, onStage: context.onStage },
  );
}
