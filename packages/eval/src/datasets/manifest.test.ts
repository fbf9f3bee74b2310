import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSquintError } from '@squint/core';
import { loadManifest, parseCsv } from './manifest';

const dir = () => mkdtempSync(join(tmpdir(), 'squint-manifest-'));

describe('parseCsv', () => {
  it('handles quotes, embedded commas, doubled quotes, CRLF and a BOM', () => {
    expect(parseCsv('\ufeffpath,identity\r\n"a, b.jpg","Smith, ""J"""\r\nc.jpg,x')).toEqual([
      ['path', 'identity'],
      ['a, b.jpg', 'Smith, "J"'],
      ['c.jpg', 'x'],
    ]);
  });
});

describe('loadManifest', () => {
  it('takes roles from a CSV and resolves paths against its folder', async () => {
    const d = dir();
    writeFileSync(join(d, 'list.csv'), 'identity,path,role\nann,img/a1.jpg,gallery\nann,img/a2.jpg,probe\nbob,/abs/b1.jpg,distractor\n');
    const m = await loadManifest(join(d, 'list.csv'), { kind: 'crops' });
    expect(m.kind).toBe('crops');
    expect(m.gallery.map((i) => i.path)).toEqual([join(d, 'img/a1.jpg')]);
    expect(m.probes.map((i) => i.key)).toEqual(['img/a2.jpg']);
    expect(m.distractors.map((i) => i.path)).toEqual(['/abs/b1.jpg']);
  });

  it('splits by identity when no row has a role (JSON form with its own kind)', async () => {
    const d = dir();
    const items = [1, 2, 3].flatMap((n) => [{ path: `x${n}.jpg`, identity: 'x' }, { path: `y${n}.jpg`, identity: 'y' }]).concat([{ path: 'z.jpg', identity: 'z' }]);
    writeFileSync(join(d, 'set.json'), JSON.stringify({ kind: 'aligned', items }));
    const m = await loadManifest(join(d, 'set.json'), { seed: 2 });
    expect(m.kind).toBe('aligned');
    expect(m.gallery).toHaveLength(2);
    expect(m.probes).toHaveLength(4);
    expect(m.distractors.map((i) => i.identity)).toEqual(['z']);
  });

  it('refuses mixed roles, a distractor that matches a probe, and rows without identity', async () => {
    const d = dir();
    writeFileSync(join(d, 'mixed.csv'), 'path,identity,role\na.jpg,a,gallery\nb.jpg,a,\n');
    const mixed = await loadManifest(join(d, 'mixed.csv')).catch((e) => e);
    expect(isSquintError(mixed, 'DATASET')).toBe(true);
    expect(mixed.message).toContain('row 3');
    writeFileSync(join(d, 'clash.json'), JSON.stringify([
      { path: 'a.jpg', identity: 'a', role: 'gallery' }, { path: 'b.jpg', identity: 'a', role: 'probe' }, { path: 'c.jpg', identity: 'a', role: 'distractor' },
    ]));
    await expect(loadManifest(join(d, 'clash.json'))).rejects.toThrow(/a distractor must match no probe/);
    writeFileSync(join(d, 'noid.csv'), 'path,identity\na.jpg,\n');
    await expect(loadManifest(join(d, 'noid.csv'))).rejects.toThrow(/missing "identity"/);
    writeFileSync(join(d, 'noprobe.csv'), 'path,identity,role\na.jpg,a,gallery\n');
    await expect(loadManifest(join(d, 'noprobe.csv'))).rejects.toThrow(/probe split is empty/);
  });
});
