import { describe, expect, it } from 'vitest';
import { checkSizes, parseDegradationTemplate, planProtocols, recipeAt } from './protocols';

describe('protocol plans', () => {
  const bicubic = parseDegradationTemplate('bicubic');
  it('surveillance keeps the gallery HR; tinyface-like degrades both; tinyface is native', () => {
    const plans = planProtocols(['surveillance', 'tinyface-like', 'tinyface'], [0, 16], bicubic);
    expect(plans).toEqual([
      { protocol: 'surveillance', size: 0, galleryRecipe: 'original', probeRecipe: 'original' },
      { protocol: 'surveillance', size: 16, galleryRecipe: 'original', probeRecipe: 'bicubic@16' },
      { protocol: 'tinyface-like', size: 0, galleryRecipe: 'original', probeRecipe: 'original' },
      { protocol: 'tinyface-like', size: 16, galleryRecipe: 'bicubic@16', probeRecipe: 'bicubic@16' },
      { protocol: 'tinyface', size: 0, galleryRecipe: 'original', probeRecipe: 'original' },
    ]);
  });

  it('puts the size into a degradation template, in canonical step order', () => {
    expect(recipeAt(parseDegradationTemplate('area+jpeg40+blur1'), 12)).toBe('area@12+blur1+jpeg40');
    expect(recipeAt(parseDegradationTemplate('nearest+noise5'), 0)).toBe('original');
    expect(() => parseDegradationTemplate('bicubic@16')).toThrow(/without a size/);
    expect(() => parseDegradationTemplate('lanczos')).toThrow(/unknown resize method/);
    expect(() => planProtocols(['cctv' as never], [16], bicubic)).toThrow(/unknown protocol/);
  });

  it('orders sizes HR first, then large to small, without repeats', () => {
    expect(checkSizes([12, 0, 24, 16, 12])).toEqual([0, 24, 16, 12]);
    expect(() => checkSizes([-1])).toThrow(/non-negative/);
  });
});
