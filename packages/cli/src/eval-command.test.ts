import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flipHorizontal, isSquintError, warpAffine } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { buildProgram } from './main';

/**
 * Three "people" as 112x112 aligned crops (smooth synthetic patterns, one per person, slightly
 * varied per picture) and two distractors: enough to drive the command end to end in a second,
 * with --kind aligned so no detector is involved.
 */
async function alignedSet(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'squint-cli-eval-'));
  const runtime = createNodeRuntime();
  const people: [string, number][] = [['p1', 3], ['p2', 3], ['p3', 2], ['d1', 1], ['d2', 1]];
  for (const [pi, [id, n]] of people.entries()) {
    mkdirSync(join(root, id));
    for (let k = 0; k < n; k++) {
      const data = new Uint8Array(112 * 112 * 3);
      for (let y = 0; y < 112; y++) {
        for (let x = 0; x < 112; x++) {
          for (let c = 0; c < 3; c++) {
            const v = 128 + 90 * Math.sin((x * (pi + 1)) / 9 + c) * Math.cos((y * (5 - pi)) / 11) + 6 * k;
            data[(y * 112 + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
          }
        }
      }
      await runtime.saveImage({ width: 112, height: 112, data }, join(root, id, `${id}_${k + 1}.png`));
    }
  }
  return root;
}

async function run(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  let code = -1;
  await buildProgram((s) => out.push(s), (c) => (code = c)).parseAsync(['node', 'squint', ...args]);
  return { code, out };
}

describe('squint eval', () => {
  it('runs two pipelines side by side and writes the three outputs', async () => {
    const data = await alignedSet();
    const a = join(data, 'a.json');
    const b = join(data, 'b.json');
    writeFileSync(a, JSON.stringify({ detector: null, landmarker: null, backbone: 'mobilefacenet' }));
    writeFileSync(b, JSON.stringify({ detector: null, landmarker: null, backbone: 'mobilefacenet', batchSize: 1 }));
    const outDir = join(data, 'results');
    const { code, out } = await run([
      'eval', '--pipeline', a, '--pipeline', b, '--dataset', `lfw:${data}`, '--kind', 'aligned',
      '--protocol', 'surveillance', '--size', 'hr', '--size', '16', '--out', outDir, '--no-cache', '--seed', '3',
    ]);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^a \| surveillance \| HR \|/m);
    expect(text).toMatch(/^b \| surveillance \| 16 \|/m);
    const results = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'));
    expect(results.complete).toBe(true);
    expect(results.recipe.strategies.map((s: { name: string }) => s.name)).toEqual(['a', 'b']);
    expect(results.recipe.dataset.splitSeed).toBe(3);
    expect(results.counts).toMatchObject({ probes: 5, gallery: 3, distractors: 2 });
    // Same images, same seed: the two pipelines differ only in batch size, so the numbers agree.
    expect(results.identification[0].metrics.mAP).toBeCloseTo(results.identification[2].metrics.mAP, 6);
    expect(readFileSync(join(outDir, 'report.md'), 'utf8')).toContain('# Squint evaluation report');
    expect(readFileSync(join(outDir, 'report.html'), 'utf8')).toContain('<html');
  });

  it('names an unknown strategy in the pipeline JSON, a missing dataset and a bad protocol', async () => {
    const data = await alignedSet();
    const bad = join(data, 'bad.json');
    writeFileSync(bad, JSON.stringify({ backbone: 'resnet-9000' }));
    const unknown = await run(['eval', '--pipeline', bad, '--dataset', `lfw:${data}`, '--out', join(data, 'r1'), '--no-cache']).catch((e) => e);
    expect(isSquintError(unknown, 'UNKNOWN_STRATEGY')).toBe(true);
    expect(unknown.message).toContain('resnet-9000');
    const missing = await run(['eval', '--dataset', 'lfw:/no/such/folder', '--out', join(data, 'r2')]).catch((e) => e);
    expect(isSquintError(missing, 'DATASET')).toBe(true);
    const protocol = await run(['eval', '--dataset', `lfw:${data}`, '--protocol', 'cctv', '--out', join(data, 'r3')]).catch((e) => e);
    expect(isSquintError(protocol, 'INVALID_ARGUMENT')).toBe(true);
    const nothing = await run(['eval', '--out', join(data, 'r4')]).catch((e) => e);
    expect(nothing.message).toMatch(/give --dataset/);
  });

  it('judges the classical quality estimator with the quality protocol (real faces, mixed sizes)', async () => {
    // Seven people from the face-api demo photos, four framings each (one mirrored): 7 gallery, 21 probes.
    const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
    const faces: [number, number[]][] = [
      [1, [411, 357, 189, 239]], [1, [828, 425, 204, 231]], [2, [1443, 168, 203, 222]], [4, [990, 178, 175, 251]],
      [5, [1120, 206, 155, 228]], [6, [259, 482, 211, 275]], [6, [1173, 302, 192, 277]],
    ];
    const runtime = createNodeRuntime();
    const root = mkdtempSync(join(tmpdir(), 'squint-cli-quality-'));
    for (const [i, [n, [x, y, w, h]]] of faces.entries()) {
      const src = await runtime.loadImage(join(demo, `sample${n}.jpg`));
      mkdirSync(join(root, `p${i}`));
      for (const [k, [shift, zoom, mirror]] of ([[0, 1, false], [0.06, 1.15, false], [-0.04, 0.9, true], [0.03, 1.05, false]] as const).entries()) {
        const s = 160 / (1.7 * Math.max(w, h) * zoom);
        const photo = warpAffine(src, [s, 0, 80 - s * (x + w / 2 + shift * w), 0, s, 80 - s * (y + h / 2 - shift * h)], 160, 160, { border: 'replicate' });
        await runtime.saveImage(mirror ? flipHorizontal(photo) : photo, join(root, `p${i}`, `p${i}_${k + 1}.png`));
      }
    }
    const outDir = join(root, 'results');
    const { code, out } = await run([
      'eval', '--dataset', `lfw:${root}`, '--protocol', 'quality', '--quality', 'classical', '--mixed-sizes', '12:112',
      '--quality-fmr', '0.05', '--out', outDir, '--no-cache', '--seed', '1',
    ]);
    expect(code).toBe(0);
    const results = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'));
    const [q] = results.quality;
    expect(q).toMatchObject({ degradation: 'bicubic@12~112', probes: 21, genuine: 21, fmr: 0.05 });
    const classical = q.estimators.find((e: { name: string }) => e.name === 'classical');
    expect(classical.scored).toBe(21);
    // Only the size varies: the classical score must rank the faces much as recognisability does.
    expect(classical.spearman).toBeGreaterThan(0.6);
    expect(results.recipe.quality).toMatchObject({ sizeRange: [12, 112], estimators: ['classical'], fmr: 0.05 });
    expect(out.join('\n')).toMatch(/^classical \| 0\.\d{3} \|/m);
    expect(readFileSync(join(outDir, 'report.md'), 'utf8')).toContain('## Quality');
    expect(readFileSync(join(outDir, 'report.html'), 'utf8')).toContain('Error vs reject: default / bicubic@12~112');
  });
});
