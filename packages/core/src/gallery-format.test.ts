import { describe, expect, it } from 'vitest';
import { createGallery } from './gallery';
import { deserializeGallery, serializeGallery } from './gallery-format';
import { isSquintError } from './errors';

function sample() {
  const g = createGallery({ modelId: 'faceplugin/fr_feature', dim: 8 });
  let seed = 11;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  for (const [name, n] of [['Ana', 2], ['Bo Chen', 1], ['Zoë', 3]] as const) {
    for (let i = 0; i < n; i++) g.add(name, Float32Array.from({ length: 8 }, rand));
  }
  return g;
}

const createdAt = new Date('2024-01-02T03:04:05Z');

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isSquintError(e) ? e.code : `not a SquintError: ${e}`;
  }
  return undefined;
}

describe('gallery file format', () => {
  it('round-trips identities and embeddings exactly', () => {
    const g = sample();
    const bytes = serializeGallery(g, { createdAt });
    expect(new TextDecoder().decode(bytes.subarray(0, 9))).toBe('SQGALLERY');
    const back = deserializeGallery(bytes, 'g.sqg', { modelId: 'faceplugin/fr_feature', dim: 8 });
    expect(back.modelId).toBe(g.modelId);
    expect(back.dim).toBe(8);
    expect(back.identities()).toEqual(['Ana', 'Bo Chen', 'Zoë']);
    for (const id of g.identities()) expect(back.embeddingsOf(id)).toEqual(g.embeddingsOf(id));
    expect(serializeGallery(back, { createdAt })).toEqual(bytes);
    const q = g.embeddingsOf('Zoë')[1];
    expect(back.search(q)).toEqual(g.search(q));
  });

  it('reads from a view into a larger buffer', () => {
    const bytes = serializeGallery(sample(), { createdAt });
    const big = new Uint8Array(bytes.length + 7);
    big.set(bytes, 3);
    expect(deserializeGallery(big.subarray(3, 3 + bytes.length)).count).toBe(6);
  });

  it('round-trips an empty gallery', () => {
    const empty = createGallery({ modelId: 'm', dim: 4 });
    expect(deserializeGallery(serializeGallery(empty)).size).toBe(0);
  });

  it('reports truncation at every length as GALLERY_FORMAT', () => {
    const bytes = serializeGallery(sample(), { createdAt });
    for (let n = 0; n < bytes.length; n++) {
      expect(codeOf(() => deserializeGallery(bytes.subarray(0, n))), `length ${n}`).toBe('GALLERY_FORMAT');
    }
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect(codeOf(() => deserializeGallery(longer))).toBe('GALLERY_FORMAT');
  });

  it('reports foreign and corrupt files as GALLERY_FORMAT', () => {
    const bytes = serializeGallery(sample(), { createdAt });
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(40).fill(0)]);
    expect(codeOf(() => deserializeGallery(png, 'photo.png'))).toBe('GALLERY_FORMAT');
    expect(() => deserializeGallery(png, 'photo.png')).toThrow(/photo\.png/);
    const version = bytes.slice();
    version[9] = 2;
    expect(() => deserializeGallery(version)).toThrow(/version 2/);
    // Flipping any single header byte is caught, except inside the model id, identity names and the
    // informational createdAt field, where it yields another valid file that must then differ visibly
    // (a changed model id is then refused by the `expect` check).
    const headerEnd = 17 + new DataView(bytes.buffer).getUint32(13, true);
    const json = new TextDecoder().decode(bytes.subarray(17, headerEnd));
    const dateAt = 17 + json.indexOf('"createdAt"');
    for (let i = 0; i < headerEnd; i++) {
      const broken = bytes.slice();
      broken[i] ^= 0x40;
      const code = codeOf(() => deserializeGallery(broken));
      if (code !== undefined) expect(code, `byte ${i}`).toBe('GALLERY_FORMAT');
      else if (i < dateAt) {
        const g = deserializeGallery(broken);
        expect([g.modelId, ...g.identities()]).not.toEqual(['faceplugin/fr_feature', 'Ana', 'Bo Chen', 'Zoë']);
      }
    }
    const nan = bytes.slice();
    new DataView(nan.buffer).setFloat32(nan.length - 4, NaN, true);
    expect(codeOf(() => deserializeGallery(nan))).toBe('GALLERY_FORMAT');
  });

  it('refuses a gallery made by another model or dimension with GALLERY_MODEL', () => {
    const bytes = serializeGallery(sample(), { createdAt });
    let err: unknown;
    try {
      deserializeGallery(bytes, 'people.sqg', { modelId: 'petalface/swin', dim: 8 });
    } catch (e) {
      err = e;
    }
    expect(isSquintError(err, 'GALLERY_MODEL')).toBe(true);
    expect((err as Error).message).toMatch(/faceplugin\/fr_feature/);
    expect((err as Error).message).toMatch(/petalface\/swin/);
    expect((err as Error).message).toMatch(/re-enrol/);
    expect(codeOf(() => deserializeGallery(bytes, 'people.sqg', { dim: 512 }))).toBe('GALLERY_MODEL');
  });
});
