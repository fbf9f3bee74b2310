import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import sharp from 'sharp';
import { createNodeRuntime } from '@squint/node';
import { chromium, type BrowserContext } from 'playwright-core';
import { alignGiven, cosine } from '@squint/core';
import { createDefaultPipeline, createEmbeddingBackbone } from '@squint/models';
import { frFeatureInput, FR_FEATURE_PATH } from './browser-fixture/fr-feature-input';
import type { PageResult } from './browser-fixture/page';

// A real inference in headless Chromium: the page bundles @squint/web, decodes a PNG with the
// browser's own decoder, runs fr_feature.onnx with onnxruntime-web and must agree with sharp +
// onnxruntime-node on the same file. Then the same for Squint's own components: the embedding
// backbone of @squint/models on aligned faces, and the whole default pipeline (detector,
// landmarks, alignment, backbone) on a group photo. Everything is served from 127.0.0.1; nothing
// is fetched from the internet.
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`\n!!! ${CHROMIUM} is missing: the browser test of @squint/web is SKIPPED. Install it with \`apt-get install -y chromium\`. !!!\n`);
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
const modelBytes = readFileSync(require.resolve(FR_FEATURE_PATH));
const samplePath = require.resolve('@vladmandic/face-api/demo/sample1.jpg');
// The prepared model files @squint/models ships (fr_feature with a dynamic batch dimension).
const modelsDir = join(dirname(require.resolve('@squint/models/package.json')), 'assets');
const squintFeatureBytes = readFileSync(join(modelsDir, 'fr_feature.onnx'));

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.onnx': 'application/octet-stream',
};

let server: Server;
let base: string;
let context: BrowserContext;
let userDataDir: string;
let facePng: Buffer;
let rotatedJpg: Buffer;
let alphaPng: Buffer;
let groupPng: Buffer;
let smallPng: Buffer;
const pageErrors: string[] = [];

async function servedFiles(): Promise<Map<string, Buffer>> {
  const bundle = await build({
    entryPoints: [join(here, 'browser-fixture/page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    conditions: ['@squint/source'],
    write: false,
    logLevel: 'silent',
  });
  const html = '<!doctype html><meta charset="utf-8"><title>squint web test</title><script type="module" src="/page.js"></script>';
  return new Map([
    ['/', Buffer.from(html)],
    ['/page.js', Buffer.from(bundle.outputFiles[0].contents)],
    ['/face.png', facePng],
    ['/rotated.jpg', rotatedJpg],
    ['/alpha.png', alphaPng],
    ['/fr_feature.onnx', modelBytes],
    ['/group.png', groupPng],
    ['/small.png', smallPng],
    ...['fr_detect.onnx', 'fr_landmark.onnx', 'fr_feature.onnx'].map((f) => [`/models/${f}`, readFileSync(join(modelsDir, f))] as [string, Buffer]),
  ]);
}

beforeAll(async () => {
  if (!hasChromium) return;
  // A roughly aligned face: the left person of sample1.jpg, 112x112, lossless.
  facePng = await sharp(samplePath).extract({ left: 405, top: 360, width: 220, height: 220 }).resize(112, 112).png().toBuffer();
  // A landscape JPEG whose EXIF says "rotate 90° clockwise" (orientation 6): displayed portrait.
  rotatedJpg = await sharp(facePng).extract({ left: 0, top: 20, width: 112, height: 72 })
    .jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).withMetadata({ orientation: 6 }).toBuffer();
  // Alpha rising from 0 to 255 across the face: checks that both runtimes flatten onto white alike.
  const alpha = Buffer.alloc(112 * 112);
  for (let i = 0; i < alpha.length; i++) alpha[i] = Math.round(((i % 112) / 111) * 255);
  alphaPng = await sharp(facePng).joinChannel(alpha, { raw: { width: 112, height: 112, channels: 1 } }).png().toBuffer();
  // The face as a distant camera sees it: 28 px, which the backbone must enlarge to 112 (bicubic).
  smallPng = await sharp(facePng).resize(28, 28).png().toBuffer();
  // The group photo at a quarter size (faces ~60 px), lossless so both sides see the same pixels.
  groupPng = await sharp(samplePath).resize(480).png().toBuffer();
  const files = await servedFiles();
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let body = files.get(path);
    if (!body && path.startsWith('/ort/')) {
      const file = resolve(ortDist, path.slice(5));
      if (file.startsWith(ortDist) && existsSync(file)) body = readFileSync(file);
    }
    // COOP + COEP make the page cross-origin isolated, the condition for wasm threads.
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    if (!body) return void res.writeHead(404).end();
    const ext = path === '/' ? '.html' : path.slice(path.lastIndexOf('.'));
    res.writeHead(200, { 'Content-Type': TYPES[ext] ?? 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  userDataDir = mkdtempSync(join(tmpdir(), 'squint-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-unsafe-webgpu',
    ],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  server?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

async function runInPage(executionProviders: ('webgpu' | 'wasm')[], full: boolean): Promise<PageResult> {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await page.goto(`${base}/`);
    await page.waitForFunction(() => 'squintPage' in globalThis);
    return await page.evaluate(
      ([eps, f]) => (globalThis as unknown as { squintPage: { run(e: string[], f: boolean): Promise<PageResult> } }).squintPage.run(eps, f),
      [executionProviders, full] as const,
    );
  } finally {
    await page.close();
  }
}

/** The same file through @squint/node: sharp decoding and onnxruntime-node. */
async function nodeReference() {
  const runtime = createNodeRuntime();
  const img = await runtime.loadImage(facePng, 'face.png');
  const session = await runtime.createSession(modelBytes, { label: 'fr_feature' });
  const out = await session.run({ input: runtime.tensor('float32', frFeatureInput(img), [1, 3, 112, 112]) });
  await session.release();
  return { runtime, pixels: img.data, embedding: out.output.data as Float32Array };
}

/** Squint's backbone and default pipeline on the same inputs, through @squint/node. */
async function nodeSquintReference(full: boolean) {
  const runtime = createNodeRuntime();
  const backbone = await createEmbeddingBackbone(runtime, { model: squintFeatureBytes });
  const face = await runtime.loadImage(facePng, 'face.png');
  const small = await runtime.loadImage(smallPng, 'small.png');
  const embeddings = await backbone.embed([alignGiven(face, 0), alignGiven(small, 1)]);
  const pipeline = full ? await createDefaultPipeline(runtime) : undefined;
  const faces = pipeline ? (await pipeline.embedImages([await runtime.loadImage(groupPng, 'group.png')]))[0] : [];
  return { backbone, embeddings, faces };
}

/** The browser's Squint results must be Node's: same model id, same embeddings, same faces. */
async function expectSquintParity(r: PageResult, full: boolean, what: string) {
  const ref = await nodeSquintReference(full);
  expect(r.squint.backbone).toEqual({ name: 'onnx-embedding', modelId: ref.backbone.modelId, dim: 512 });
  expect(ref.backbone.modelId).toMatch(/^onnx:sha256-[0-9a-f]{24}$/);
  expect(r.squint.embeddings).toHaveLength(2);
  const sims = r.squint.embeddings.map((e, i) => cosine(e, ref.embeddings[i]));
  for (const sim of sims) expect(sim).toBeGreaterThan(0.999);
  // Two different inputs in one batch: the rows are not copies of each other.
  expect(cosine(r.squint.embeddings[0], r.squint.embeddings[1])).toBeLessThan(0.995);
  console.info(`${what}: Squint backbone (batch of 2) cosine to Node ${sims.map((x) => x.toFixed(6)).join(', ')}`);
  if (!full) return;

  const faces = r.squint.pipeline!;
  expect(ref.faces).toHaveLength(3);
  expect(faces).toHaveLength(ref.faces.length);
  const pipelineSims = faces.map((f, i) => {
    const nodeFace = ref.faces[i].face;
    expect(f.alignment).toBe(nodeFace.alignment);
    const b = nodeFace.box!;
    expect(maxAbsDiff(f.box, [b.x, b.y, b.width, b.height])).toBeLessThan(0.5);
    return cosine(f.embedding, ref.faces[i].embedding);
  });
  for (const sim of pipelineSims) expect(sim).toBeGreaterThan(0.999);
  console.info(`${what}: default pipeline on group.png, ${faces.length} faces, cosine to Node ${pipelineSims.map((x) => x.toFixed(6)).join(', ')}`);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

describe('@squint/web in headless Chromium', () => {
  it.skipIf(!hasChromium)('wasm: decodes like sharp; raw model, Squint backbone and default pipeline embed like Node', async () => {
    const r = await runInPage(['wasm'], true);
    const ref = await nodeReference();
    expect(pageErrors).toEqual([]);
    expect(r.name).toBe('onnxruntime-web/wasm');
    expect(r.sessionExecutionProvider).toBe('wasm');
    expect(r.diagnostics).toMatchObject({ crossOriginIsolated: true, wasmThreads: 2, onnxruntimeWeb: '1.31.1' });

    // PNG is lossless: the browser's pixels must be sharp's, byte for byte.
    expect([r.width, r.height]).toEqual([112, 112]);
    expect(r.pixels.length).toBe(ref.pixels.length);
    expect(meanAbsDiff(r.pixels, ref.pixels)).toBe(0);
    const inputs = r.inputs!;
    expect(Object.keys(inputs.kinds)).toHaveLength(8);
    for (const [kind, diff] of Object.entries(inputs.kinds)) expect({ kind, diff }).toEqual({ kind, diff: 0 });

    expect(r.embedding).toHaveLength(512);
    const sim = cosine(r.embedding, ref.embedding);
    expect(sim).toBeGreaterThan(0.999);
    console.info(`browser wasm (2 threads): cosine to onnxruntime-node ${sim.toFixed(6)}, median warm run ${r.runMs.toFixed(1)} ms`);
    await expectSquintParity(r, true, 'browser wasm');

    // EXIF orientation 6: the 112x72 JPEG must come out 72x112, as @squint/node gives it.
    const rotated = await ref.runtime.loadImage(rotatedJpg, 'rotated.jpg');
    expect([inputs.rotated.width, inputs.rotated.height]).toEqual([rotated.width, rotated.height]);
    expect([rotated.width, rotated.height]).toEqual([72, 112]);
    expect(meanAbsDiff(inputs.rotated.pixels, rotated.data)).toBeLessThan(1.5);

    const flattened = await ref.runtime.loadImage(alphaPng, 'alpha.png');
    expect(inputs.alpha).toHaveLength(flattened.data.length);
    expect(maxAbsDiff(inputs.alpha, flattened.data)).toBeLessThanOrEqual(1);
    expect(meanAbsDiff(inputs.alpha, ref.pixels)).toBeGreaterThan(10); // the transparency did change pixels
    console.info(`decoding vs @squint/node: rotated JPEG mean |diff| ${meanAbsDiff(inputs.rotated.pixels, rotated.data).toFixed(3)}, alpha PNG max |diff| ${maxAbsDiff(inputs.alpha, flattened.data)}`);

    expect(inputs.errors.junkBytes).toMatch(/^IMAGE_DECODE junk\.jpg: the browser could not decode this image \(8 bytes/);
    expect(inputs.errors.junkFile).toMatch(/^IMAGE_DECODE named\.png: /);
    expect(inputs.errors.truncated).toMatch(/^IMAGE_DECODE truncated\.png: /);
    expect(inputs.errors.brokenImg).toMatch(/^IMAGE_DECODE http:\/\/127\.0\.0\.1:\d+\/missing\.png: <img> could not be decoded/);
    expect(inputs.errors.tooLarge).toMatch(/^IMAGE_TOO_LARGE face\.png: image is 112x112/);
    expect(inputs.errors.missingModel).toMatch(/^MODEL_INVALID \/nope\.onnx: fetching the model gave HTTP 404/);
  });

  // SwiftShader compiles every WebGPU shader on the CPU: ~8 s on an idle 2-core machine, 30 s
  // when it is busy, hence the longer timeout.
  it.skipIf(!hasChromium)('webgpu (SwiftShader adapter): raw model and Squint backbone embed like Node', { timeout: 120_000 }, async () => {
    const r = await runInPage(['webgpu', 'wasm'], false);
    const ref = await nodeReference();
    expect(pageErrors).toEqual([]);
    expect(r.fallbackReason).toBeUndefined();
    expect(r.name).toBe('onnxruntime-web/webgpu');
    expect(r.sessionExecutionProvider).toBe('webgpu');
    expect(r.diagnostics).toMatchObject({ webgpuAdapter: { isFallbackAdapter: true } });
    expect(meanAbsDiff(r.pixels, ref.pixels)).toBe(0);
    const sim = cosine(r.embedding, ref.embedding);
    expect(sim).toBeGreaterThan(0.999);
    console.info(`browser webgpu (SwiftShader): cosine to onnxruntime-node ${sim.toFixed(6)}`);
    await expectSquintParity(r, false, 'browser webgpu');
  });
});
