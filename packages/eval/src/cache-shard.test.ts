import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheShard } from './cache-shard';
import { decodeCrop, decodeEmbedded, encodeCrop, encodeEmbedded } from './cached-face';

describe('CacheShard', () => {
  it('persists records across opens and drops a record cut short by a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squint-shard-'));
    const a = await CacheShard.open(dir, 'emb-x', { what: 'test' });
    a.put('img/1.jpg|1', new Uint8Array([1, 2, 3]));
    a.put('img/é.jpg|2', new Uint8Array([4]));
    await a.flush();
    expect(JSON.parse(readFileSync(join(dir, 'emb-x.json'), 'utf8'))).toEqual({ what: 'test' });
    const goodSize = statSync(join(dir, 'emb-x.bin')).size;
    appendFileSync(join(dir, 'emb-x.bin'), Buffer.from([200, 0, 0, 0, 3, 0, 65])); // a half-written record
    const b = await CacheShard.open(dir, 'emb-x', { what: 'test' });
    expect(b.loaded).toBe(2);
    expect([...b.get('img/1.jpg|1')!]).toEqual([1, 2, 3]);
    expect([...b.get('img/é.jpg|2')!]).toEqual([4]);
    expect(statSync(join(dir, 'emb-x.bin')).size).toBe(goodSize);
    b.put('img/3.jpg|3', new Uint8Array([9, 9]));
    await b.flush();
    expect((await CacheShard.open(dir, 'emb-x', {})).size).toBe(3);
  });

  it('reads lazily from the file and keeps only an index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squint-shard-lazy-'));
    const big = Uint8Array.from({ length: 3 << 20 }, (_, i) => i % 251); // spans the 1 MB read blocks
    const w = await CacheShard.open(dir, 'crops', {}, { lazy: true });
    w.put('a', new Uint8Array([5, 6]));
    w.put('big', big);
    await w.flush();
    expect(w.get('big')).toBeUndefined(); // flushed: no longer held in memory
    expect([...(await w.read('a'))!]).toEqual([5, 6]);
    w.put('c', new Uint8Array([7]));
    await w.close();
    for (const lazy of [true, false]) {
      const r = await CacheShard.open(dir, 'crops', {}, { lazy });
      expect(r.loaded).toBe(3);
      expect((await r.read('big'))!.every((v, i) => v === i % 251)).toBe(true);
      expect([...(await r.read('c'))!]).toEqual([7]);
      await r.close();
    }
  });

  it('lives in memory when there is no folder', async () => {
    const m = await CacheShard.open(undefined, 'x', {});
    m.put('k', new Uint8Array([7]));
    await m.flush();
    expect(m.has('k')).toBe(true);
  });
});

describe('cached faces', () => {
  it('round-trip embeddings and crops bit-exactly', () => {
    const embedding = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i) / 10);
    const e = decodeEmbedded(encodeEmbedded({ embedding, alignment: 'crop-template', faceWidth: 101.5, quality: 0.25 }));
    expect(e.embedding).toEqual(embedding);
    expect(e).toMatchObject({ alignment: 'crop-template', faceWidth: 101.5, quality: 0.25 });
    expect(decodeEmbedded(encodeEmbedded({ embedding, alignment: 'landmarks', faceWidth: 3 })).quality).toBeUndefined();
    const data = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => i);
    const c = decodeCrop(encodeCrop({ image: { width: 5, height: 4, data }, alignment: 'given', faceWidth: 5 }));
    expect(c.image).toEqual({ width: 5, height: 4, data });
    expect(c.alignment).toBe('given');
  });
});
