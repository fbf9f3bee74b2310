import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSquintError } from '@squint/core';
import { DISTRACTOR_LABEL, loadTinyFace, tinyFaceIdentity } from './tinyface';

function makeTinyFace(files: { probe: string[]; match: string[]; distractor?: string[] }, nested = true): { root: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 'squint-tinyface-'));
  const dir = nested ? join(root, 'Testing_Set') : root;
  const put = (folder: string, names: string[]) => {
    mkdirSync(join(dir, folder), { recursive: true });
    for (const n of names) writeFileSync(join(dir, folder, n), '');
  };
  put('Probe', files.probe);
  put('Gallery_Match', files.match);
  if (files.distractor) put('Gallery_Distractor', files.distractor);
  return { root, dir };
}

// A minimal MATLAB v5 writer (uncompressed, little-endian), written from the format spec, so the
// test can make protocol files like TinyFace's: an N x 1 cell of char rows and an N x 1 double.
const pad8 = (n: number) => (n + 7) & ~7;
function element(type: number, bytes: Buffer): Buffer {
  const b = Buffer.alloc(8 + pad8(bytes.length));
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(bytes.length, 4);
  bytes.copy(b, 8);
  return b;
}
function matrix(name: string, cls: number, dims: number[], data: Buffer[]): Buffer {
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(cls, 0);
  const d = Buffer.alloc(4 * dims.length);
  dims.forEach((v, i) => d.writeInt32LE(v, i * 4));
  return element(14, Buffer.concat([element(6, flags), element(5, d), element(1, Buffer.from(name, 'ascii')), ...data]));
}
function chars(name: string, s: string): Buffer {
  const u = Buffer.alloc(s.length * 2);
  [...s].forEach((c, i) => u.writeUInt16LE(c.charCodeAt(0), i * 2));
  return matrix(name, 4, [1, s.length], [element(4, u)]);
}
function cellOfStrings(name: string, list: string[]): Buffer {
  return matrix(name, 1, [list.length, 1], list.map((s) => chars('', s)));
}
function doubles(name: string, values: number[]): Buffer {
  const u = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => u.writeDoubleLE(v, i * 8));
  return matrix(name, 6, [values.length, 1], [element(9, u)]);
}
function matFile(...vars: Buffer[]): Buffer {
  const header = Buffer.alloc(128, 32);
  header.write('MATLAB 5.0 MAT-file, written by a Squint test', 0, 'ascii');
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'ascii');
  return Buffer.concat([header, ...vars]);
}

describe('loadTinyFace', () => {
  it('reads identities from file-name prefixes and labels distractors apart', async () => {
    const { root } = makeTinyFace({
      probe: ['1_001.jpg', '1_002.jpg', '20_001.png', '.DS_Store'],
      match: ['1_003.jpg', '20_002.jpg', '20_003.jpg', '300_001.jpg'],
      distractor: ['a_1.jpg', 'b_2.jpg', 'c_3.jpg'],
    });
    const d = await loadTinyFace(root);
    expect(d.kind).toBe('crops');
    expect(d.probes.map((p) => [p.key, p.identity])).toEqual([['Probe/1_001.jpg', '1'], ['Probe/1_002.jpg', '1'], ['Probe/20_001.png', '20']]);
    expect(d.gallery.map((g) => g.identity)).toEqual(['1', '20', '20', '300']);
    expect(d.distractors).toHaveLength(3);
    expect(d.distractors.every((x) => x.identity === DISTRACTOR_LABEL && x.role === 'distractor')).toBe(true);
    expect(d.root.endsWith('Testing_Set')).toBe(true);
  });

  it('prefers the protocol MAT-files when present', async () => {
    const { root, dir } = makeTinyFace({ probe: ['7_001.jpg', '7_002.jpg', '9_001.jpg'], match: ['7_003.jpg', '9_002.jpg'] }, false);
    // Lists a subset, in its own order, with identities that differ from the prefixes.
    writeFileSync(join(dir, 'probe_img_ID_pairs.mat'), matFile(cellOfStrings('probe_set', ['9_001.jpg', '7_001.jpg']), doubles('probe_ids', [109, 107])));
    writeFileSync(join(dir, 'gallery_match_img_ID_pairs.mat'), matFile(cellOfStrings('gallery_set', ['7_003.jpg', '9_002.jpg']), doubles('gallery_ids', [107, 109])));
    const d = await loadTinyFace(root);
    expect(d.probes.map((p) => [p.key, p.identity])).toEqual([['Probe/9_001.jpg', '109'], ['Probe/7_001.jpg', '107']]);
    expect(d.gallery.map((g) => g.identity)).toEqual(['107', '109']);
    expect(d.distractors).toEqual([]);
    expect(d.split).toContain('probe_img_ID_pairs.mat');
    expect(d.split).toContain('no Gallery_Distractor');
  });

  it('caps probes and distractors by seed', async () => {
    const distractor = Array.from({ length: 50 }, (_, i) => `x${i}_1.jpg`);
    const { root } = makeTinyFace({ probe: ['1_1.jpg', '1_2.jpg', '2_1.jpg', '2_2.jpg'], match: ['1_3.jpg', '2_3.jpg'], distractor });
    const a = await loadTinyFace(root, { maxDistractors: 10, maxProbes: 3, seed: 4 });
    const b = await loadTinyFace(root, { maxDistractors: 10, maxProbes: 3, seed: 4 });
    expect(a.distractors).toHaveLength(10);
    expect(a.probes).toHaveLength(3);
    expect(b.distractors.map((x) => x.key)).toEqual(a.distractors.map((x) => x.key));
  });

  it('explains a wrong root, an empty split and a MAT-file without the protocol variables', async () => {
    const wrong = await loadTinyFace(mkdtempSync(join(tmpdir(), 'squint-tf-'))).catch((e) => e);
    expect(isSquintError(wrong, 'DATASET')).toBe(true);
    expect(wrong.message).toContain('Gallery_Match');
    const { root } = makeTinyFace({ probe: [], match: ['1_1.jpg'] });
    const empty = await loadTinyFace(root).catch((e) => e);
    expect(isSquintError(empty, 'DATASET')).toBe(true);
    expect(empty.message).toMatch(/no images in Probe/);
    const other = makeTinyFace({ probe: ['1_1.jpg'], match: ['1_2.jpg'] }, false);
    writeFileSync(join(other.dir, 'probe_img_ID_pairs.mat'), matFile(doubles('something_else', [1])));
    const bad = await loadTinyFace(other.root).catch((e) => e);
    expect(isSquintError(bad, 'DATASET')).toBe(true);
    expect(bad.message).toContain('probe_set');
  });

  it('takes the identity up to the first underscore', () => {
    expect(tinyFaceIdentity('1234_5_6.jpg')).toBe('1234');
    expect(tinyFaceIdentity('noprefix.png')).toBe('noprefix');
  });
});
