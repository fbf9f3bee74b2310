import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SquintError } from '@squint/core';
import { listImages } from './list-images';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squint-list-images-'));
  // Created out of order, so that sorted output is the code's doing, not the filesystem's.
  const files = ['b/2.png', 'b/10.png', 'a.JPG', 'b/c/deep.webp', 'notes.txt', 'scan.bmp', '.hidden.jpg', 'b/._2.png', 'B.tiff', 'x.gif'];
  for (const f of files) {
    await mkdir(join(dir, f, '..'), { recursive: true });
    await writeFile(join(dir, f), 'x');
  }
  await symlink(dir, join(dir, 'b', 'c', 'loop')); // must not recurse forever
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('listImages', () => {
  it('expands a folder recursively into sorted image files', async () => {
    const rel = (await listImages([dir])).map((p) => p.slice(dir.length + 1));
    expect(rel).toEqual(['B.tiff', 'a.JPG', 'b/10.png', 'b/2.png', 'b/c/deep.webp', 'x.gif']);
  });

  it('stays in the folder when not recursive', async () => {
    const rel = (await listImages([dir], { recursive: false })).map((p) => p.slice(dir.length + 1));
    expect(rel).toEqual(['B.tiff', 'a.JPG', 'x.gif']);
  });

  it('keeps named files as given, in argument order, once each', async () => {
    const notes = join(dir, 'notes.txt');
    const out = await listImages([notes, join(dir, 'b'), join(dir, 'b', '2.png')]);
    expect(out).toEqual([notes, join(dir, 'b', '10.png'), join(dir, 'b', '2.png'), join(dir, 'b', 'c', 'deep.webp')]);
  });

  it('reports a missing path as DATASET', async () => {
    const missing = join(dir, 'nope');
    const e = await listImages([dir, missing]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SquintError);
    expect([(e as SquintError).code, (e as SquintError).input]).toEqual(['DATASET', missing]);
  });
});
