import { SquintError } from '@squint/core';
import { parseRecipe, recipeName } from './degradation';
import type { DegradationTemplate } from './protocols';
import { createRandom, deriveSeed } from './random';

/**
 * A degradation whose face width differs per image: `bicubic@12~112+blur1` shrinks each aligned
 * crop to a width drawn log-uniformly from [12, 112] px (each halving of resolution costs a backbone
 * about the same, so every octave gets the same share of faces), then applies the other steps. The
 * width is drawn from (seed, image key) alone, so it is the same in every run, process and order,
 * and the whole range is one recipe name: one embedding cache shard, one report row.
 */
export interface ResolvedRecipe {
  /** The concrete recipe for this image, e.g. `bicubic@37+blur1`; 'original' stays as it is. */
  recipe: string;
  /** The face width it degrades to; 0 = HR. */
  size: number;
}

const MIXED = /^([a-z]+)@(\d+)~(\d+)((?:\+.*)?)$/;

export function mixedSizeRecipe(template: DegradationTemplate, [lo, hi]: readonly [number, number]): string {
  checkSizeRange([lo, hi]);
  const name = `${template.method}@${lo}~${hi}${template.steps}`;
  resolveRecipe(name, 0, 'check'); // validates the method and steps with the recipe grammar's messages
  return name;
}

export function isMixedSizeRecipe(recipe: string): boolean {
  return MIXED.test(recipe);
}

/** The concrete recipe and face width an image gets under `recipe` (fixed or mixed) in a run seeded `seed`. */
export function resolveRecipe(recipe: string, seed: number, imageKey: string): ResolvedRecipe {
  const m = MIXED.exec(recipe);
  if (!m) {
    const parsed = parseRecipe(recipe);
    return { recipe, size: parsed.size ?? 0 };
  }
  const [, method, a, b, steps] = m;
  const lo = Number(a);
  const hi = Number(b);
  checkSizeRange([lo, hi], recipe);
  // Its own stream, as each step of degrade() has: the size draw does not shift the noise draw.
  const u = createRandom(deriveSeed(deriveSeed(seed, imageKey), 'size')).next();
  const size = Math.min(hi, Math.max(lo, Math.round(Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))))));
  return { recipe: recipeName(parseRecipe(`${method}@${size}${steps}`)), size };
}

export function checkSizeRange([lo, hi]: readonly number[], input = `${lo}:${hi}`): void {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo) {
    throw new SquintError('INVALID_ARGUMENT', `a face-size range needs two integers 1 <= low <= high (px), e.g. 12:112; got ${lo}:${hi}`, { input });
  }
}
