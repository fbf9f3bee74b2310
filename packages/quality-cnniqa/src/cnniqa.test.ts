import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isSquintError, resize, type AlignedFace, type RgbImage } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { createCnnIqa } from './cnniqa';
import { randomCnnIqaWeights } from './cnniqa-weights';
import { writeSafetensors } from './safetensors';

const runtime = createNodeRuntime({ threads: 1 });

function texture(width: number, height: number, seed: number): RgbImage {
  let s = seed;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(255 * (0.5 + 0.3 * Math.sin(i / (7 + seed)) + 0.2 * (rand() - 0.5)));
  return { width, height, data };
}
const face = (image: RgbImage, i = 0): AlignedFace => ({ image, alignment: 'given', sourceIndex: i });

describe('createCnnIqa', () => {
  it('loads safetensors from bytes, a path and a file: URL alike', async () => {
    const bytes = writeSafetensors(randomCnnIqaWeights('pyiqa', 5));
    const dir = await mkdtemp(join(tmpdir(), 'cnniqa-'));
    const path = join(dir, 'w.safetensors');
    await writeFile(path, bytes);
    const faces = [face(texture(20, 20, 1))];
    const results = [];
    for (const weights of [bytes, path, pathToFileURL(path)]) {
      const q = await createCnnIqa(runtime, { variant: 'pyiqa', weights });
      results.push((await q.estimate(faces))[0]);
      await q.release();
    }
    expect(results[1]).toBe(results[0]);
    expect(results[2]).toBe(results[0]);
  });

  it('names the file when the weights are for the other variant or missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cnniqa-'));
    const path = join(dir, 'rgb.safetensors');
    await writeFile(path, writeSafetensors(randomCnnIqaWeights('pyiqa', 5)));
    await expect(createCnnIqa(runtime, { variant: 'kang', weights: path })).rejects.toSatisfy((e: unknown) =>
      isSquintError(e, 'WEIGHTS_INVALID') && (e as Error).message.includes(path) && (e as Error).message.includes('[50,3,7,7], expected [50,1,7,7]'));
    await expect(createCnnIqa(runtime, { variant: 'kang', weights: join(dir, 'nope.safetensors') })).rejects.toSatisfy((e: unknown) =>
      isSquintError(e, 'WEIGHTS_INVALID') && (e as Error).message.includes('nope.safetensors'));
  });

  it('batches faces of mixed native sizes and returns scores in input order', async () => {
    const q = await createCnnIqa(runtime, { variant: 'kang', weights: randomCnnIqaWeights('kang', 3), batchSize: 2 });
    const faces = [texture(64, 64, 1), texture(40, 33, 2), texture(64, 64, 3), texture(96, 96, 4), texture(64, 64, 5)].map(face);
    const together = await q.estimate(faces);
    const alone = [];
    for (const f of faces) alone.push((await q.estimate([f]))[0]);
    for (let i = 0; i < faces.length; i++) expect(together[i]).toBeCloseTo(alone[i], 6);
    expect(new Set(together.map((v) => v.toFixed(6))).size).toBe(faces.length);
    await q.release();
  });

  it('refuses faces smaller than a kang patch, naming them, unless inputSize resizes them', async () => {
    const weights = randomCnnIqaWeights('kang', 3);
    const q = await createCnnIqa(runtime, { variant: 'kang', weights });
    const faces = [face(texture(64, 64, 1)), face(texture(16, 16, 2)), face(texture(24, 31, 3))];
    await expect(q.estimate(faces)).rejects.toSatisfy((e: unknown) =>
      isSquintError(e, 'IMAGE_TOO_SMALL') && (e as Error).message.includes('face 1 (16x16)') && (e as Error).message.includes('face 2 (24x31)') && (e as Error).message.includes('inputSize'));
    const resized = await createCnnIqa(runtime, { variant: 'kang', weights, inputSize: 64 });
    const scores = await resized.estimate(faces);
    expect(scores).toHaveLength(3);
    expect(scores.every(Number.isFinite)).toBe(true);
    // A 64x64 face is untouched by inputSize 64, so it scores as it does natively.
    expect(scores[0]).toBeCloseTo((await q.estimate([faces[0]]))[0], 6);
    // The 16 px face was scored as its bicubic 64 px upsample.
    expect(scores[1]).toBeCloseTo((await q.estimate([face(resize(faces[1].image, 64, 64, 'bicubic'))]))[0], 6);
  });

  it('bakes PETALface\'s [-1,1] input into the graph: same as [0,1] weights given rescaled inputs', async () => {
    // With inputs in [-1,1] = 2 * [0,1] - 1, a conv with weights W/2 and bias b + sum(W)/2 sees the same thing.
    const w = randomCnnIqaWeights('pyiqa', 11);
    const cw = w['conv1.weight'];
    const halved = { ...w, 'conv1.weight': { ...cw, data: cw.data.map((v) => v / 2) }, 'conv1.bias': { ...w['conv1.bias'], data: w['conv1.bias'].data.map((b, o) => b + cw.data.slice(o * 147, (o + 1) * 147).reduce((a, v) => a + v, 0) / 2) } };
    const a = await createCnnIqa(runtime, { variant: 'pyiqa', weights: w, inputRange: '[0,1]' });
    const b = await createCnnIqa(runtime, { variant: 'pyiqa', weights: halved, inputRange: '[-1,1]' });
    const faces = [face(texture(30, 30, 8))];
    expect((await b.estimate(faces))[0]).toBeCloseTo((await a.estimate(faces))[0], 4);
  });
});
