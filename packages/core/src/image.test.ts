import { describe, expect, it } from 'vitest';
import { isSquintError } from './errors';
import { createImage, flipHorizontal } from './image';

describe('createImage', () => {
  it('allocates width x height x 3 bytes, or keeps the given ones', () => {
    expect(createImage(4, 2).data).toHaveLength(24);
    const data = new Uint8Array(6).fill(7);
    expect(createImage(2, 1, data).data).toBe(data);
  });

  it('refuses a size that does not match the bytes, or is not a whole size, with INVALID_ARGUMENT', () => {
    expect(() => createImage(2, 2, new Uint8Array(11))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    for (const [w, h] of [[-1, 2], [2.5, 2], [Number.NaN, 1]]) {
      let error: unknown;
      try {
        createImage(w, h);
      } catch (e) {
        error = e;
      }
      expect(isSquintError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});

describe('flipHorizontal', () => {
  it('mirrors each row and keeps the channels together', () => {
    const img = createImage(3, 1, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(Array.from(flipHorizontal(img).data)).toEqual([7, 8, 9, 4, 5, 6, 1, 2, 3]);
  });
});
