import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SquintError, createGallery, type Gallery } from '@squint/core';
import { loadGallery, saveGallery } from './gallery-file';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squint-gallery-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Deterministic embeddings: a small LCG, so every run writes the same gallery. */
function gallery(identities: number, perIdentity: number, dim = 512): Gallery {
  const g = createGallery({ modelId: 'fr_feature', dim });
  let seed = 12345;
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
  for (let i = 0; i < identities; i++) {
    for (let k = 0; k < perIdentity; k++) g.add(`person-${i}`, Float32Array.from({ length: dim }, next));
  }
  return g;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure, got success');
}

describe('saveGallery / loadGallery', () => {
  it('round-trips identities and embeddings exactly, creating the folder', async () => {
    const g = gallery(3, 2);
    const path = join(dir, 'nested', 'round-trip.sqg');
    await saveGallery(g, path);
    const back = await loadGallery(path, { modelId: 'fr_feature', dim: 512 });
    expect(back.identities()).toEqual(['person-0', 'person-1', 'person-2']);
    expect(back.count).toBe(6);
    for (const id of g.identities()) {
      expect(back.embeddingsOf(id).map((v) => Array.from(v))).toEqual(g.embeddingsOf(id).map((v) => Array.from(v)));
    }
  });

  it('refuses a gallery of another model, a missing file and a damaged file', async () => {
    const path = join(dir, 'checked.sqg');
    await saveGallery(gallery(1, 1), path);
    const other = await failure(loadGallery(path, { modelId: 'another-backbone' }));
    expect((other as SquintError).code).toBe('GALLERY_MODEL');

    const missing = join(dir, 'missing.sqg');
    const e = (await failure(loadGallery(missing))) as SquintError;
    expect(e).toBeInstanceOf(SquintError);
    expect([e.code, e.input]).toEqual(['GALLERY_FORMAT', missing]);
    expect(e.message).toMatch(/not found/);

    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 10));
    const damaged = (await failure(loadGallery(path))) as SquintError;
    expect([damaged.code, damaged.input]).toEqual(['GALLERY_FORMAT', path]);
  });
});

describe('saveGallery is atomic', () => {
  async function previousGallery(name: string): Promise<{ folder: string; path: string; before: Buffer }> {
    const folder = join(dir, name);
    await mkdir(folder);
    const path = join(folder, 'gallery.sqg');
    await saveGallery(gallery(2, 1), path);
    return { folder, path, before: await readFile(path) };
  }

  it('leaves the previous file untouched when serialisation fails', async () => {
    const { folder, path, before } = await previousGallery('serialise-fails');
    const broken = gallery(2, 1);
    const failing: Gallery = Object.assign(Object.create(broken) as Gallery, {
      entries(): never {
        throw new Error('simulated failure while serialising');
      },
    });
    await expect(saveGallery(failing, path)).rejects.toThrow('simulated failure');
    expect((await readFile(path)).equals(before)).toBe(true);
    expect(await readdir(folder)).toEqual(['gallery.sqg']);
  });

  it('removes its temporary file when the final rename fails', async () => {
    // A folder where the gallery should be: the temp file is written, then rename() fails.
    const folder = join(dir, 'rename-fails');
    const path = join(folder, 'gallery.sqg');
    await mkdir(join(path, 'occupied'), { recursive: true });
    await expect(saveGallery(gallery(2, 1), path)).rejects.toThrow();
    expect(await readdir(folder)).toEqual(['gallery.sqg']);
    expect(await readdir(path)).toEqual(['occupied']);
  });

  it.skipIf(process.platform === 'win32')('keeps the previous gallery when the process is killed mid-write', async () => {
    // A real interruption: a child process with a 64 KiB file-size limit (ulimit -f) is killed
    // by SIGXFSZ part-way through writing a ~1 MB gallery over a ~4 KB one.
    const { folder, path, before } = await previousGallery('killed');
    const script = join(dir, 'write-big-gallery.mts');
    const here = dirname(fileURLToPath(import.meta.url));
    await writeFile(script, [
      // The script lives outside the repository, so it names both modules by path.
      `import { createGallery } from ${JSON.stringify(join(here, '..', '..', 'core', 'src', 'index.ts'))};`,
      `import { saveGallery } from ${JSON.stringify(join(here, 'gallery-file.ts'))};`,
      `const g = createGallery({ modelId: 'fr_feature', dim: 512 });`,
      `for (let i = 0; i < 500; i++) g.add('p' + i, Float32Array.from({ length: 512 }, (_, j) => Math.sin(i * 512 + j + 1)));`,
      `process.stdout.write('writing\\n');`,
      `await saveGallery(g, ${JSON.stringify(path)});`,
      `process.stdout.write('finished\\n');`,
    ].join('\n'));
    const child = spawnSync('bash', ['-c', 'ulimit -f 64 && exec "$0" --conditions=@squint/source --import tsx "$1"', process.execPath, script], {
      cwd: here, // tsx and @squint/core resolve from the repository's node_modules
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stdout, child.stderr).toBe('writing\n');
    expect(child.signal).toBe('SIGXFSZ');
    expect((await readFile(path)).equals(before)).toBe(true);
    expect(await readdir(folder)).toEqual(['gallery.sqg']);
    expect((await loadGallery(path)).identities()).toEqual(['person-0', 'person-1']);
  });
});
