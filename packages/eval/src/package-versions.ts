import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The packages whose versions decide an evaluation's numbers. */
export const RECIPE_PACKAGES: readonly string[] = [
  '@squint/core', '@squint/eval', '@squint/node', '@squint/models', '@squint/sr-gfpgan', '@squint/quality-cnniqa',
  'onnxruntime-node', 'onnxruntime-web', 'onnxruntime-common', 'sharp',
];

/** name -> installed version, for those that resolve from here (absent ones are left out). */
export function packageVersions(names: readonly string[] = RECIPE_PACKAGES): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    try {
      const pkg = require(`${name}/package.json`) as { version?: string };
      if (pkg.version) out[name] = pkg.version;
    } catch {
      // not installed, or its exports hide package.json: nothing to record
    }
  }
  return out;
}
