import { describe, expect, it } from 'vitest';
import { cosine, dot, l2normalize } from './cosine';

describe('cosine helpers', () => {
  it('normalises, dots and compares', () => {
    const v = l2normalize([3, 4]);
    expect(Array.from(v)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(dot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(cosine([1, 0], [0, 2])).toBe(0);
    expect(cosine([1, 1], [2, 2])).toBeCloseTo(1, 12);
    expect(cosine([1, 1], [-3, -3])).toBeCloseTo(-1, 12);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });

  it('refuses mismatched lengths and directionless vectors', () => {
    expect(() => dot([1, 2], [1])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => l2normalize([0, 0])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => l2normalize([NaN, 1])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
