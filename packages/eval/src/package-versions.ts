import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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
    const version = viaExports(name) ?? viaEntry(name);
    if (version) out[name] = version;
  }
  return out;
}

function viaExports(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version?: string }).version;
  } catch {
    return undefined; // not installed, or its exports map hides package.json
  }
}

/** Walks up from the package's entry file to its package.json. */
function viaEntry(name: string): string | undefined {
  let dir: string;
  try {
    dir = dirname(require.resolve(name));
  } catch {
    return undefined;
  }
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name) return pkg.version;
  }
  return undefined;
}
