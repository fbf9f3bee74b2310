import { describe, expect, it } from 'vitest';
import { isSquintError } from '@squint/core';
import { isMixedSizeRecipe, mixedSizeRecipe, resolveRecipe } from './mixed-size';
import { parseDegradationTemplate } from './protocols';

describe('mixed-size recipes', () => {
  it('names the range with the template steps and tells mixed from fixed recipes', () => {
    const name = mixedSizeRecipe(parseDegradationTemplate('area+blur1'), [12, 112]);
    expect(name).toBe('area@12~112+blur1');
    expect(isMixedSizeRecipe(name)).toBe(true);
    expect(isMixedSizeRecipe('area@16+blur1')).toBe(false);
    expect(isMixedSizeRecipe('original')).toBe(false);
  });

  it('draws each image its own width, the same in every call, log-uniformly in the range', () => {
    const keys = Array.from({ length: 4000 }, (_, i) => `person${i % 97}/img_${i}.jpg`);
    const sizes = keys.map((k) => resolveRecipe('bicubic@12~112+noise3', 1, k).size);
    expect(keys.map((k) => resolveRecipe('bicubic@12~112+noise3', 1, k).size)).toEqual(sizes);
    expect(Math.min(...sizes)).toBe(12);
    expect(Math.max(...sizes)).toBe(112);
    // Log-uniform: as many faces below the geometric mean (~36.7 px) as above it.
    const below = sizes.filter((s) => s < Math.sqrt(12 * 112)).length / sizes.length;
    expect(below).toBeGreaterThan(0.45);
    expect(below).toBeLessThan(0.55);
    // Another seed, other widths.
    const other = keys.map((k) => resolveRecipe('bicubic@12~112+noise3', 2, k).size);
    expect(other.filter((s, i) => s !== sizes[i]).length).toBeGreaterThan(keys.length * 0.8);
  });

  it('resolves to a concrete recipe with the steps kept, and passes fixed recipes through', () => {
    const r = resolveRecipe('bicubic@12~112+blur1', 1, 'a/b.jpg');
    expect(r.recipe).toBe(`bicubic@${r.size}+blur1`);
    expect(resolveRecipe('bicubic@24+jpeg40', 1, 'a/b.jpg')).toEqual({ recipe: 'bicubic@24+jpeg40', size: 24 });
    expect(resolveRecipe('original', 1, 'a/b.jpg')).toEqual({ recipe: 'original', size: 0 });
    expect(resolveRecipe('bicubic@20~20', 5, 'x').size).toBe(20);
  });

  it('refuses an empty or reversed range and a bad template', () => {
    const bad = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isSquintError(e, 'INVALID_ARGUMENT');
      }
      return false;
    };
    expect(bad(() => mixedSizeRecipe(parseDegradationTemplate('bicubic'), [112, 12]))).toBe(true);
    expect(bad(() => mixedSizeRecipe(parseDegradationTemplate('bicubic'), [0, 12]))).toBe(true);
    expect(bad(() => resolveRecipe('lanczos@12~112', 1, 'x'))).toBe(true);
  });
});
