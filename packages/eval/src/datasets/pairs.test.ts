import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSquintError } from '@squint/core';
import { loadPairs, parsePairs } from './pairs';

describe('parsePairs', () => {
  it('reads LFW pairs.txt: same-person and different-person lines, in order', () => {
    const pairs = parsePairs('2\t2\nAbel_Pacheco\t1\t4\nAkhmed_Zakayev\t1\t3\nAbdel_Madi_Shabneh\t1\tDean_Barker\t1\nAbdel\t3\tZed\t12\n', '/lfw');
    expect(pairs).toHaveLength(4);
    expect(pairs[0]).toEqual({
      left: { path: '/lfw/Abel_Pacheco/Abel_Pacheco_0001.jpg', key: 'Abel_Pacheco/Abel_Pacheco_0001.jpg', identity: 'Abel_Pacheco' },
      right: { path: '/lfw/Abel_Pacheco/Abel_Pacheco_0004.jpg', key: 'Abel_Pacheco/Abel_Pacheco_0004.jpg', identity: 'Abel_Pacheco' },
      same: true,
    });
    expect(pairs[2].same).toBe(false);
    expect(pairs[3].right.key).toBe('Zed/Zed_0012.jpg');
  });

  it('reads the TSV form with or without its header', () => {
    const text = 'left\tright\tsame\nA/A_0001.jpg\tA/A_0002.jpg\t1\nA/A_0001.jpg\tB/B_0001.jpg\t0\n';
    const pairs = parsePairs(text, '/data');
    expect(pairs.map((p) => p.same)).toEqual([true, false]);
    expect(pairs[1].right).toEqual({ path: '/data/B/B_0001.jpg', key: 'B/B_0001.jpg', identity: 'B' });
    expect(parsePairs(text.split('\n').slice(1).join('\n'), '/data')).toHaveLength(2);
  });

  it('names the line it cannot read', () => {
    const e = (() => {
      try {
        parsePairs('a.jpg b.jpg 1\nonly-two fields\n', '/x', 'p.tsv');
      } catch (err) {
        return err;
      }
    })();
    expect(isSquintError(e, 'DATASET')).toBe(true);
    expect((e as Error).message).toContain('p.tsv:2');
    expect(() => parsePairs('a.jpg b.jpg maybe', '/x')).toThrow(/"same" must be 1 or 0/);
  });
});

describe('loadPairs', () => {
  it('resolves paths against the root and checks that they point at images', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squint-pairs-'));
    mkdirSync(join(dir, 'imgs', 'A'), { recursive: true });
    writeFileSync(join(dir, 'imgs', 'A', 'A_0001.jpg'), '');
    writeFileSync(join(dir, 'pairs.tsv'), 'A/A_0001.jpg\tA/A_0002.jpg\t1\nA/A_0001.jpg\tB/B_0001.jpg\t0\n');
    const ok = await loadPairs(join(dir, 'pairs.tsv'), { root: join(dir, 'imgs') });
    expect(ok.pairs).toHaveLength(2);
    expect(ok.kind).toBe('photos');
    const wrongRoot = await loadPairs(join(dir, 'pairs.tsv')).catch((e) => e);
    expect(isSquintError(wrongRoot, 'DATASET')).toBe(true);
    expect(wrongRoot.message).toMatch(/folder the pair paths are relative to/);
    writeFileSync(join(dir, 'same-only.tsv'), 'A/A_0001.jpg\tA/A_0002.jpg\t1\n');
    await expect(loadPairs(join(dir, 'same-only.tsv'), { root: join(dir, 'imgs') })).rejects.toThrow(/both same-person and different-person/);
    await expect(loadPairs(join(dir, 'missing.tsv'))).rejects.toThrow(/pairs file not found/);
  });
});
