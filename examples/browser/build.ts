// Bundles the page into dist/ with esbuild and copies what it loads at run time: the three ONNX
// models from @squint/models and onnxruntime-web's wasm binary.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const require = createRequire(import.meta.url);
// onnxruntime-web is @squint/web's dependency: resolve it from there.
const fromWeb = createRequire(require.resolve('@squint/web/package.json'));
const models = join(dirname(require.resolve('@squint/models/package.json')), 'assets');
const ort = dirname(fromWeb.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));

mkdirSync(join(dist, 'models'), { recursive: true });
mkdirSync(join(dist, 'ort'), { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.ts')],
  outfile: join(dist, 'main.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  // In this repository, use the packages' TypeScript sources; an app using the published
  // packages needs neither this nor a build of Squint.
  conditions: ['@squint/source'],
  minify: true,
  logLevel: 'info',
});
copyFileSync(join(here, 'index.html'), join(dist, 'index.html'));
for (const f of ['fr_detect.onnx', 'fr_landmark.onnx', 'fr_feature.onnx', 'LICENSE-faceplugin']) copyFileSync(join(models, f), join(dist, 'models', f));
// With wasmPaths set, the default onnxruntime-web build (WebGPU + wasm) loads this pair.
for (const f of ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm']) copyFileSync(join(ort, f), join(dist, 'ort', f));
console.log(`built ${dist}; serve it with COOP/COEP headers, e.g. npm run serve`);
