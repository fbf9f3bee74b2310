import { readFile } from 'node:fs/promises';
import { createPipelineFromSpec, Registry, SquintError, type Pipeline, type PipelineSpec } from '@squint/core';
import { createNodeRuntime, type NodeRuntime } from '@squint/node';
import { defaultModels } from '@squint/models';
import { qualityPlugin } from '@squint/quality-cnniqa';
import { srPlugin } from '@squint/sr-gfpgan';

/** The pipeline every command uses unless --pipeline names a JSON spec. */
export const DEFAULT_PIPELINE: PipelineSpec = {
  detector: 'ultraface',
  landmarker: 'landmark68',
  backbone: 'mobilefacenet',
};

export interface CliContext {
  runtime: NodeRuntime;
  registry: Registry;
  pipeline: Pipeline;
  spec: PipelineSpec;
}

export function createRegistry(): Registry {
  return new Registry().use(defaultModels, qualityPlugin, srPlugin);
}

export async function readPipelineSpec(path: string | undefined): Promise<PipelineSpec> {
  if (!path) return DEFAULT_PIPELINE;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new SquintError('INVALID_ARGUMENT', `cannot read pipeline file (${(e as Error).message})`, { input: path });
  }
  try {
    return { ...DEFAULT_PIPELINE, ...JSON.parse(text) };
  } catch (e) {
    throw new SquintError('INVALID_ARGUMENT', `pipeline file is not valid JSON (${(e as Error).message})`, { input: path });
  }
}

export async function createContext(options: { pipeline?: string; threads?: number }): Promise<CliContext> {
  const runtime = createNodeRuntime({ threads: options.threads });
  const registry = createRegistry();
  const spec = await readPipelineSpec(options.pipeline);
  const pipeline = await createPipelineFromSpec(spec, { runtime, registry });
  return { runtime, registry, pipeline, spec };
}
