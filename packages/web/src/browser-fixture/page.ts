// Entry of the page that browser.test.ts bundles and opens in Chromium. It uses only the public
// APIs of @squint/web, @squint/core and @squint/models, as an application would, and hands its
// results back to the test.
import { alignGiven, SquintError, type RgbImage } from '@squint/core';
import { createDefaultPipeline, createEmbeddingBackbone, FR_DETECT, FR_FEATURE, FR_LANDMARK } from '@squint/models';
import { createWebRuntime, loadImage, type WebExecutionProvider, type WebRuntime } from '@squint/web';
import { frFeatureInput } from './fr-feature-input';

export interface PageResult {
  name: string;
  diagnostics: unknown;
  fallbackReason: string | undefined;
  sessionExecutionProvider: string;
  width: number;
  height: number;
  pixels: number[];
  embedding: number[];
  /** Median time of one warm inference (only when `full`). */
  runMs: number;
  /** The checks that do not depend on the execution provider, done when `full`. */
  inputs?: PageInputChecks;
  /** Squint's own components on this page's runtime. */
  squint: SquintChecks;
}

export interface SquintChecks {
  /** createEmbeddingBackbone on the bytes of @squint/models' fr_feature.onnx. */
  backbone: { name: string; modelId: string; dim: number };
  /** One batch of two given (already aligned) faces: face.png (112 px) and small.png (28 px). */
  embeddings: number[][];
  /** The whole default pipeline (detect, landmarks, align, embed) on group.png; only when `full`. */
  pipeline?: { box: [number, number, number, number]; alignment: string; embedding: number[] }[];
}

export interface PageInputChecks {
  /** Largest per-byte difference between each other input kind and the bytes path. */
  kinds: Record<string, number>;
  rotated: { width: number; height: number; pixels: number[] };
  /** A PNG with graded transparency, flattened onto white. */
  alpha: number[];
  errors: Record<string, string>;
}

async function fetchBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(path)).arrayBuffer());
}

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function errorText(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return e instanceof SquintError ? `${e.code} ${e.message}` : `not a SquintError: ${String(e)}`;
  }
}

async function run(executionProviders: WebExecutionProvider[], full: boolean): Promise<PageResult> {
  const runtime = await createWebRuntime({ executionProviders, wasmPaths: '/ort/', threads: 2 });
  const png = await fetchBytes('/face.png');
  const img = await runtime.loadImage(png, 'face.png');

  const session = await runtime.createSession('/fr_feature.onnx', { label: 'fr_feature' });
  const input = runtime.tensor('float32', frFeatureInput(img), [1, 3, 112, 112]);
  // With `full`, the median of 5 runs after 3 warm-up runs (the first ones allocate and are
  // several times slower); otherwise the first, cold run, which is all SwiftShader can afford.
  const times: number[] = [];
  let output = (await session.run({ input })).output;
  for (let i = 0; full && i < 8; i++) {
    const t0 = performance.now();
    output = (await session.run({ input })).output;
    if (i >= 3) times.push(performance.now() - t0);
  }
  const runMs = full ? times.sort((a, b) => a - b)[2] : NaN;
  await session.release();

  return {
    name: runtime.name,
    diagnostics: runtime.diagnostics(),
    fallbackReason: runtime.fallbackReason,
    sessionExecutionProvider: session.executionProvider,
    width: img.width,
    height: img.height,
    pixels: Array.from(img.data),
    embedding: Array.from(output.data as Float32Array),
    runMs,
    inputs: full ? await checkInputs(png, img.data) : undefined,
    squint: await squintChecks(runtime, img, full),
  };
}

/** The real Squint components, as an application would use them in a browser. */
async function squintChecks(runtime: WebRuntime, face: RgbImage, full: boolean): Promise<SquintChecks> {
  const backbone = await createEmbeddingBackbone(runtime, { model: await fetchBytes('/models/fr_feature.onnx') });
  const small = await runtime.loadImage(await fetchBytes('/small.png'), 'small.png');
  const embeddings = await backbone.embed([alignGiven(face, 0), alignGiven(small, 1)]);
  const result: SquintChecks = {
    backbone: { name: backbone.name, modelId: backbone.modelId, dim: backbone.dim },
    embeddings: embeddings.map((e) => Array.from(e)),
  };
  if (full) {
    const model = (file: string) => new URL(`/models/${file}`, location.href);
    const pipeline = await createDefaultPipeline(runtime, {
      detector: { descriptor: { ...FR_DETECT, url: model('fr_detect.onnx') } },
      landmarker: { descriptor: { ...FR_LANDMARK, url: model('fr_landmark.onnx') } },
      backbone: { descriptor: { ...FR_FEATURE, url: model('fr_feature.onnx') } },
    });
    const [faces] = await pipeline.embedImages([await runtime.loadImage(await fetchBytes('/group.png'), 'group.png')]);
    result.pipeline = faces.map((f) => ({
      box: [f.face.box!.x, f.face.box!.y, f.face.box!.width, f.face.box!.height],
      alignment: f.face.alignment,
      embedding: Array.from(f.embedding),
    }));
  }
  return result;
}

async function checkInputs(png: Uint8Array, expected: Uint8Array): Promise<PageInputChecks> {
  const blob = new Blob([png as BlobPart], { type: 'image/png' });
  const bitmap = await createImageBitmap(blob);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const element = new Image();
  element.src = '/face.png';
  const offscreen = new OffscreenCanvas(bitmap.width, bitmap.height);
  offscreen.getContext('2d')!.drawImage(bitmap, 0, 0);
  const kinds: Record<string, number> = {
    Blob: maxDiff((await loadImage(blob)).data, expected),
    ArrayBuffer: maxDiff((await loadImage(png.slice().buffer)).data, expected),
    ImageBitmap: maxDiff((await loadImage(bitmap)).data, expected),
    HTMLCanvasElement: maxDiff((await loadImage(canvas)).data, expected),
    OffscreenCanvas: maxDiff((await loadImage(offscreen)).data, expected),
    HTMLImageElement: maxDiff((await loadImage(element)).data, expected),
    ImageData: maxDiff((await loadImage(ctx.getImageData(0, 0, canvas.width, canvas.height))).data, expected),
    URL: maxDiff((await loadImage('/face.png')).data, expected),
  };
  bitmap.close();

  const rotated = await loadImage(await fetchBytes('/rotated.jpg'), 'rotated.jpg');
  const broken = new Image();
  broken.src = '/missing.png';
  const errors = {
    junkBytes: await errorText(loadImage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 'junk.jpg')),
    junkFile: await errorText(loadImage(new File([new Uint8Array([9, 9, 9])], 'named.png'))),
    truncated: await errorText(loadImage(png.slice(0, 200), 'truncated.png')),
    brokenImg: await errorText(loadImage(broken)),
    tooLarge: await errorText(loadImage(png, 'face.png', { pixelLimit: 1000 })),
    missingModel: await errorText(createWebRuntime({ executionProviders: ['wasm'] }).then((r) => r.createSession('/nope.onnx'))),
  };
  const alpha = await loadImage(await fetchBytes('/alpha.png'), 'alpha.png');
  return {
    kinds,
    rotated: { width: rotated.width, height: rotated.height, pixels: Array.from(rotated.data) },
    alpha: Array.from(alpha.data),
    errors,
  };
}

(globalThis as { squintPage?: unknown }).squintPage = { run };
