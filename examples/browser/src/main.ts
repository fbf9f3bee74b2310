// Compares the faces in two pictures the user picks: detect -> align -> embed with Squint's
// default models on onnxruntime-web (WebGPU when the browser has it, else wasm), then cosine.
import { cosine, DEFAULT_VERIFY_THRESHOLD, type FaceEmbedding, type RgbImage } from '@squint/core';
import { createDefaultPipeline, FR_DETECT, FR_FEATURE, FR_LANDMARK } from '@squint/models';
import { createWebRuntime } from '@squint/web';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const here = (path: string) => new URL(path, document.baseURI);

async function start() {
  const runtime = await createWebRuntime({
    wasmPaths: here('ort/').href,
    // Threads need a cross-origin-isolated page (COOP/COEP headers); otherwise one thread.
    threads: crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1,
  });
  // The build copies the model files next to the page. The descriptors keep their ids, so
  // embeddings made here match galleries made with @squint/node.
  const pipeline = await createDefaultPipeline(runtime, {
    detector: { descriptor: { ...FR_DETECT, url: here('models/fr_detect.onnx') } },
    landmarker: { descriptor: { ...FR_LANDMARK, url: here('models/fr_landmark.onnx') } },
    backbone: { descriptor: { ...FR_FEATURE, url: here('models/fr_feature.onnx') } },
  });
  const d = runtime.diagnostics();
  status.textContent = `ready: ${runtime.name}, ${d.wasmThreads ?? 1} wasm thread(s)${d.fallbackReason ? ` (no WebGPU: ${d.fallbackReason})` : ''}`;
  return { runtime, pipeline };
}

let runtime: Awaited<ReturnType<typeof start>>['runtime'];
let pipeline: Awaited<ReturnType<typeof start>>['pipeline'];
try {
  ({ runtime, pipeline } = await start());
} catch (e) {
  status.className = 'error';
  status.textContent = `could not start: ${e instanceof Error ? e.message : String(e)}`;
  throw e;
}

const faces: Partial<Record<'a' | 'b', FaceEmbedding>> = {};

/** Draws an aligned face (kept at its native size) enlarged to the 112 px canvas. */
function show(canvas: HTMLCanvasElement, img: RgbImage): void {
  const rgba = new Uint8ClampedArray(img.width * img.height * 4);
  for (let i = 0; i < img.width * img.height; i++) {
    rgba.set(img.data.subarray(i * 3, i * 3 + 3), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  const small = new OffscreenCanvas(img.width, img.height);
  small.getContext('2d')!.putImageData(new ImageData(rgba, img.width, img.height), 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}

async function pick(side: 'a' | 'b', file: File): Promise<void> {
  const note = $(`${side}-note`);
  $<HTMLImageElement>(`${side}-img`).src = URL.createObjectURL(file);
  delete faces[side];
  $('verdict').textContent = '';
  note.className = 'note';
  note.textContent = 'looking for a face…';
  try {
    const image = await runtime.loadImage(file, file.name);
    const t0 = performance.now();
    // Pictures up to 160 px with no detection are taken to be face crops (the low-resolution case).
    const [result] = await pipeline.embedBestFace([image], { labels: [file.name], cropFallbackMaxSide: 160 });
    if (!result.ok) throw result.error;
    faces[side] = result.value;
    show($(`${side}-face`), result.value.face.image);
    const { width, height } = result.value.face.image;
    note.textContent = `${image.width}x${image.height}, face aligned by ${result.value.face.alignment} at ${width}x${height} px, ${Math.round(performance.now() - t0)} ms`;
  } catch (e) {
    note.className = 'note error';
    note.textContent = e instanceof Error ? e.message : String(e);
  }
  if (faces.a && faces.b) {
    const score = cosine(faces.a.embedding, faces.b.embedding);
    const same = score >= DEFAULT_VERIFY_THRESHOLD;
    $('verdict').textContent = `${same ? 'Same person' : 'Different people'}: cosine ${score.toFixed(3)} (threshold ${DEFAULT_VERIFY_THRESHOLD})`;
  }
}

for (const side of ['a', 'b'] as const) {
  $<HTMLInputElement>(side).addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void pick(side, file);
  });
}
