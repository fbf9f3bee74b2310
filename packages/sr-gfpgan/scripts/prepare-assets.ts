// Converts the UpscalerJS ESRGAN models (TF.js layers, MIT) into ONNX graphs under ../assets.
// The root postinstall calls prepareAssets(); it skips graphs newer than their inputs.
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertTfjsLayersModel } from '../src/esrgan-converter';
import { weightShardPaths } from '../src/tfjs-layers-model';
import { readTfjsModelDir, upscalerjsLicense, upscalerjsModelDir } from './tfjs-model-files';

export const ASSETS_DIR = join(import.meta.dirname, '..', 'assets');
const VARIANTS = ['slim', 'medium'] as const;
const SCALES = [2, 4] as const;
/** Inputs that change a converted graph besides the model files themselves. */
const CONVERTER_SOURCES = ['esrgan-converter.ts', 'tfjs-layers-model.ts'].map((f) => join(import.meta.dirname, '..', 'src', f));

const mtime = (p: string) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

function notice(variant: 'slim' | 'medium', scale: number): string {
  return [
    `ESRGAN ${variant} x${scale} from @upscalerjs/esrgan-${variant}@1.0.0 (https://github.com/thekevinscott/upscaler),`,
    'converted from its TF.js layers model to ONNX by @squint/sr-gfpgan. Input: RGB NCHW float32 in 0-255;',
    'output: the same at x' + scale + ' resolution, 0-255.',
    '',
    upscalerjsLicense(variant).trim(),
  ].join('\n');
}

export async function prepareAssets(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<string[]> {
  const log = options.log ?? (() => {});
  mkdirSync(ASSETS_DIR, { recursive: true });
  const written: string[] = [];
  const converterTime = Math.max(...CONVERTER_SOURCES.map(mtime));
  for (const variant of VARIANTS) {
    writeFileSync(join(ASSETS_DIR, `LICENSE-upscalerjs-esrgan-${variant}.txt`), upscalerjsLicense(variant));
    for (const scale of SCALES) {
      const dir = upscalerjsModelDir(variant, scale);
      const out = join(ASSETS_DIR, `esrgan-${variant}-x${scale}.onnx`);
      const files = readTfjsModelDir(dir);
      const inputs = [join(dir, 'model.json'), ...weightShardPaths(files.model).map((p) => join(dir, p))];
      const newest = Math.max(converterTime, ...inputs.map(mtime));
      if (!options.force && mtime(out) > newest) continue;
      const bytes = convertTfjsLayersModel(files.model, files.weights, { label: `esrgan-${variant}-x${scale}`, docString: notice(variant, scale) });
      // Write then rename: test workers may prepare assets at the same time and must never read half a file.
      const tmp = `${out}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, out);
      written.push(out);
      log(`wrote ${out} (${bytes.length} bytes)`);
    }
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const written = await prepareAssets({ force: process.argv.includes('--force'), log: console.log });
  console.log(`${written.length} graph(s) written to ${ASSETS_DIR}`);
}
