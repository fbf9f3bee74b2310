// Node-only helpers for reading TF.js layers models from disk (prepare-assets, tests, benchmarks).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TfjsLayersModelJson } from '../src/tfjs-layers-model';
import { weightShardPaths } from '../src/tfjs-layers-model';

export interface TfjsModelFiles {
  dir: string;
  model: TfjsLayersModelJson;
  /** All weight shards concatenated in manifest order. */
  weights: Uint8Array;
}

/**
 * The installed package folder, found the way Node does (nearest node_modules upwards); its
 * "exports" map hides package.json and the model files from require.resolve.
 */
export function upscalerjsPackageDir(variant: 'slim' | 'medium'): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '@upscalerjs', `esrgan-${variant}`);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`@upscalerjs/esrgan-${variant} is not installed; run npm install`);
  }
}

/** The folder of an UpscalerJS ESRGAN model, e.g. ('slim', 4) -> .../models/x4. */
export function upscalerjsModelDir(variant: 'slim' | 'medium', scale: number): string {
  return join(upscalerjsPackageDir(variant), 'models', `x${scale}`);
}

export function readTfjsModelDir(dir: string): TfjsModelFiles {
  const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as TfjsLayersModelJson;
  const shards = weightShardPaths(model).map((p) => readFileSync(join(dir, p)));
  const weights = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let o = 0;
  for (const s of shards) {
    weights.set(s, o);
    o += s.length;
  }
  return { dir, model, weights };
}

export function upscalerjsLicense(variant: 'slim' | 'medium'): string {
  return readFileSync(join(upscalerjsPackageDir(variant), 'LICENSE'), 'utf8');
}
