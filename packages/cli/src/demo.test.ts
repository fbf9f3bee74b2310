import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from './context';
import { runDemo } from './demo';
import { demoHtml, demoTable } from './demo-report';

const require = createRequire(import.meta.url);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('runDemo (smoke)', () => {
  it('enrols the faces of one photo and finds them again at 32 px', async () => {
    // One demo photo at half size (faces ~100 px) keeps this to a couple of seconds.
    const photos = mkdtempSync(join(tmpdir(), 'squint-demo-'));
    dirs.push(photos);
    await sharp(require.resolve('@vladmandic/face-api/demo/sample1.jpg')).resize(960).jpeg({ quality: 92 }).toFile(join(photos, 'sample1.jpg'));
    const ctx = await createContext({ threads: 2 });
    const r = await runDemo(ctx, { distances: [32], progress: false, photosDir: photos });
    expect(r.photos).toHaveLength(1);
    expect(r.enrolled.map((e) => e.identity)).toEqual(['photo1-face1', 'photo1-face2', 'photo1-face3']);
    const [d] = r.distances;
    expect(d.faceHeight).toBe(32);
    expect(d.faces).toBe(3);
    expect(d.found).toBe(3);
    expect(d.correct).toBe(3);
    expect(d.correctGivenBox).toBe(3);
    expect(d.falseDetections).toBe(0);
    // The LR crops really are small: the photo was shrunk so faces are ~32 px tall.
    for (const p of d.probes) expect(p.lrCrop!.height).toBeLessThan(48);

    const table = demoTable(r);
    expect(table).toMatch(/32/);
    const html = await demoHtml(r);
    expect(html).toMatch(/^<!doctype html>/i);
    // Self-contained: crops are inlined, nothing is fetched.
    expect(html).toContain('data:image/');
    expect(html).not.toMatch(/src="(?!data:)/);
  });
});
