import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosine, createTemplateAligner, isSquintError, resize, type AlignedFace, type Backbone } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { GraphBuilder } from '@squint/onnx';
import { createEmbeddingBackbone } from './embedding-backbone';
import { createLandmarker68 } from './landmark68';
import { createUltraFaceDetector } from './ultraface-detector';

const runtime = createNodeRuntime();
const require = createRequire(import.meta.url);
const demo = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const originalFeatureModel = join(dirname(require.resolve('faceplugin-face-recognition-js/package.json')), 'model', 'fr_feature.onnx');

/** 22 different people, aligned to the ArcFace template from detector + landmarks. */
let faces: AlignedFace[];
let backbone: Backbone;

beforeAll(async () => {
  const photos = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => runtime.loadImage(join(demo, `sample${i}.jpg`))));
  const detector = await createUltraFaceDetector(runtime, { pyramid: false });
  const landmarker = await createLandmarker68(runtime);
  const aligner = createTemplateAligner();
  const found = await detector.detect(photos);
  faces = [];
  for (let i = 0; i < photos.length; i++) {
    const points = await landmarker.locate(photos[i], found[i].map((f) => f.box));
    faces.push(...aligner.align(photos[i], found[i].map((f, j) => ({ ...f, landmarks: points[j] })), i));
  }
  backbone = await createEmbeddingBackbone(runtime);
});

const withImage = (f: AlignedFace, size: number): AlignedFace => ({ ...f, image: resize(f.image, size, size, 'area') });

/** A model whose input is [N, channels, 112, 112] and output [N, 512]: mean colour times `weight`. */
function tinyModel(channels: number, weight: number): Uint8Array {
  const g = new GraphBuilder('tiny');
  const x = g.input('input', 'float32', ['N', channels, 112, 112]);
  const pooled = g.node('Flatten', [g.node('GlobalAveragePool', [x])]);
  const w = g.initializer('w', new Float32Array(channels * 512).fill(weight), [channels, 512]);
  g.output(g.node('MatMul', [pooled, w]));
  return g.toModel();
}

describe('createEmbeddingBackbone', () => {
  it('is the packaged fr_feature: 512-d, unit-norm embeddings, one per face', async () => {
    expect(faces).toHaveLength(22);
    expect(backbone).toMatchObject({ name: 'mobilefacenet', modelId: 'faceplugin/fr_feature@0.0.1', dim: 512 });
    const out = await backbone.embed(faces.slice(0, 3));
    expect(out).toHaveLength(3);
    for (const e of out) {
      expect(e).toHaveLength(512);
      expect(Math.hypot(...e)).toBeCloseTo(1, 5);
    }
    expect(await backbone.embed([])).toEqual([]);
  });

  it('gives the same embeddings for a batch of 8 as for 8 single runs', async () => {
    const one = await createEmbeddingBackbone(runtime, { maxBatch: 1 });
    const eight = faces.slice(0, 8);
    const batched = await backbone.embed(eight);
    for (let i = 0; i < 8; i++) {
      const [single] = await one.embed([eight[i]]);
      expect(cosine(batched[i], single)).toBeGreaterThan(0.9999);
    }
  });

  it('finds a face at two nearby sizes more similar than any two different people', async () => {
    // Faces are kept at native resolution, so crops of 96 and 80 px both reach the 112 input by resizing.
    const a = await backbone.embed(faces.map((f) => withImage(f, 96)));
    const b = await backbone.embed(faces.map((f) => withImage(f, 80)));
    for (let i = 0; i < faces.length; i++) {
      const same = cosine(a[i], b[i]);
      const others = Math.max(...faces.map((_, j) => (j === i ? -1 : cosine(a[i], a[j]))));
      expect(same).toBeGreaterThan(0.8);
      expect(same).toBeGreaterThan(others);
    }
  });

  it('runs a model brought as bytes, with a fixed batch of 1, and names it by a hash of the bytes', async () => {
    const bytes = new Uint8Array(await readFile(originalFeatureModel));
    const byo = await createEmbeddingBackbone(runtime, { model: bytes });
    const again = await createEmbeddingBackbone(runtime, { model: bytes.slice() });
    expect(byo.modelId).toMatch(/^onnx:sha256-[0-9a-f]{24}$/);
    expect(again.modelId).toBe(byo.modelId);
    expect(byo.dim).toBe(512);
    const five = faces.slice(0, 5);
    const [ours, theirs] = [await backbone.embed(five), await byo.embed(five)];
    for (let i = 0; i < 5; i++) expect(cosine(ours[i], theirs[i])).toBeGreaterThan(0.9999);
    const other = await createEmbeddingBackbone(runtime, { model: tinyModel(3, 1) });
    expect(other.modelId).not.toBe(byo.modelId);
  });

  it('refuses a model whose input is not [N, 3, size, size] with MODEL_SHAPE', async () => {
    await expect(createEmbeddingBackbone(runtime, { model: tinyModel(1, 1) })).rejects.toSatisfy((e: unknown) => isSquintError(e, 'MODEL_SHAPE'));
    await expect(createEmbeddingBackbone(runtime, { model: tinyModel(3, 1), inputSize: 96 })).rejects.toSatisfy((e: unknown) => isSquintError(e, 'MODEL_SHAPE'));
  });

  it('reports a model that answers NaN with MODEL_OUTPUT', async () => {
    const broken = await createEmbeddingBackbone(runtime, { model: tinyModel(3, NaN) });
    await expect(broken.embed(faces.slice(0, 2))).rejects.toSatisfy((e: unknown) => isSquintError(e, 'MODEL_OUTPUT'));
  });

  it('rejects bad options', async () => {
    for (const options of [{ maxBatch: 0 }, { mean: [1, 2] }, { std: 0 }]) {
      await expect(createEmbeddingBackbone(runtime, options)).rejects.toSatisfy((e: unknown) => isSquintError(e, 'INVALID_ARGUMENT'));
    }
  });
});
