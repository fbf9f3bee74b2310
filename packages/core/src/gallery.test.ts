import { describe, expect, it } from 'vitest';
import { createGallery, DEFAULT_VERIFY_THRESHOLD } from './gallery';

const v = (...xs: number[]) => Float32Array.from(xs);

describe('gallery', () => {
  function sample() {
    const g = createGallery({ modelId: 'test/m', dim: 3 });
    g.add('bob', v(1, 0, 0));
    g.add('alice', v(0, 1, 0));
    g.add('alice', v(0.8, 0.6, 0)); // alice's best match for (1,0,0) is 0.8
    g.add('carol', v(0, 0, 5)); // stored normalised
    return g;
  }

  it('ranks identities by their best embedding', () => {
    const g = sample();
    expect(g.size).toBe(3);
    expect(g.count).toBe(4);
    const r = g.search(v(1, 0, 0));
    expect(r.map((m) => m.identity)).toEqual(['bob', 'alice', 'carol']);
    expect(r[0].score).toBeCloseTo(1, 6);
    expect(r[1].score).toBeCloseTo(0.8, 6);
    expect(r[2].score).toBeCloseTo(0, 6);
    expect(g.search(v(0, 0, 2), 1)).toEqual([{ identity: 'carol', score: 1 }]);
    expect(Array.from(g.embeddingsOf('carol')[0])).toEqual([0, 0, 1]);
  });

  it('breaks ties by identity name', () => {
    const g = createGallery({ modelId: 'm', dim: 2 });
    for (const name of ['zed', 'amy', 'kim']) g.add(name, v(1, 1));
    expect(g.search(v(1, 1)).map((m) => m.identity)).toEqual(['amy', 'kim', 'zed']);
  });

  it('removes identities and keeps the others intact', () => {
    const g = sample();
    expect(g.remove('alice')).toBe(true);
    expect(g.remove('alice')).toBe(false);
    expect(g.identities()).toEqual(['bob', 'carol']);
    expect(g.count).toBe(2);
    expect(g.embeddingsOf('alice')).toEqual([]);
    expect(g.search(v(0, 1, 0)).map((m) => m.identity)).not.toContain('alice');
    expect(g.search(v(0, 0, 1))[0]).toEqual({ identity: 'carol', score: 1 });
    g.add('dave', v(0, 1, 0));
    expect(g.search(v(0, 1, 0))[0].identity).toBe('dave');
  });

  it('grows past its initial capacity and lists entries in insertion order', () => {
    const g = createGallery({ modelId: 'm', dim: 4 });
    for (let i = 0; i < 100; i++) g.add(`id${i % 30}`, v(Math.cos(i), Math.sin(i), i % 3, 1));
    expect(g.size).toBe(30);
    expect(g.count).toBe(100);
    const entries = [...g.entries()];
    expect(entries.map(([n]) => n)).toEqual(g.identities());
    expect(entries.reduce((s, [, e]) => s + e.length, 0)).toBe(100);
    const q = v(Math.cos(57), Math.sin(57), 0, 1);
    expect(g.search(q, 1)[0]).toEqual({ identity: 'id27', score: expect.closeTo(1, 6) });
  });

  it('verifies pairs against a threshold', () => {
    const g = createGallery({ modelId: 'm', dim: 2 });
    expect(g.verify(v(1, 0), v(1, 0.1))).toMatchObject({ same: true, threshold: DEFAULT_VERIFY_THRESHOLD });
    expect(g.verify(v(1, 0), v(0, 1)).same).toBe(false);
    const r = g.verify(v(1, 0), v(0.6, 0.8), 0.7);
    expect(r.score).toBeCloseTo(0.6, 6);
    expect(r.same).toBe(false);
  });

  it('refuses wrong dimensions and unusable values', () => {
    const g = createGallery({ modelId: 'm', dim: 3 });
    const bad = expect.objectContaining({ code: 'INVALID_ARGUMENT' });
    expect(() => g.add('x', v(1, 0))).toThrow(bad);
    expect(() => g.add('x', v(1, NaN, 0))).toThrow(bad);
    expect(() => g.add('x', v(0, 0, 0))).toThrow(bad);
    expect(() => g.add('', v(1, 0, 0))).toThrow(bad);
    expect(() => g.search(v(1, 0))).toThrow(bad);
    expect(() => g.search(v(1, 0, 0), 0)).toThrow(bad);
    expect(() => g.verify(v(1, 0, 0), v(1, 0))).toThrow(bad);
    expect(g.size).toBe(0);
    expect(g.search(v(1, 0, 0))).toEqual([]);
  });
});
