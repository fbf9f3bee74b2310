import { SquintError } from '@squint/core';
import { parseRecipe, recipeName } from './degradation';

/**
 * The identification protocols the runner knows:
 * - `surveillance`: HR gallery, probes degraded to each size (a watch list enrolled from good
 *   photos, searched with camera crops);
 * - `tinyface-like`: gallery and probes both degraded to the size (everything low resolution);
 * - `tinyface`: the images as they are (native crops, no degradation; sizes do not apply);
 * - `quality`: probes at mixed face widths against an HR gallery, to judge quality estimators
 *   (quality-protocol.ts; planned by the runner, not here, since sizes do not apply).
 * Size 0 stands for HR: the aligned 112 crop untouched.
 */
export type ProtocolName = 'surveillance' | 'tinyface-like' | 'tinyface' | 'quality';

export const PROTOCOL_NAMES: readonly ProtocolName[] = ['surveillance', 'tinyface-like', 'tinyface', 'quality'];

/** The identification protocols planProtocols expands into per-size plans. */
export type IdentificationProtocolName = Exclude<ProtocolName, 'quality'>;

export interface ProtocolPlan {
  protocol: IdentificationProtocolName;
  /** Probe face width; 0 = HR / native. */
  size: number;
  galleryRecipe: string;
  probeRecipe: string;
}

/** A degradation without its size: a resize method and optional steps, e.g. `area+blur1+jpeg40`. */
export interface DegradationTemplate {
  method: string;
  steps: string;
}

export function parseDegradationTemplate(text: string): DegradationTemplate {
  const [method, ...rest] = text.trim().split('+');
  if (method.includes('@')) {
    throw new SquintError('INVALID_ARGUMENT', 'give the degradation without a size (sizes come from --size), e.g. "bicubic" or "area+blur1+jpeg40"', { input: text });
  }
  const steps = rest.length ? `+${rest.join('+')}` : '';
  parseRecipe(`${method}@16${steps}`); // validates with the recipe grammar's own messages
  return { method, steps };
}

/** Canonical recipe name of the template at a size; size 0 = 'original' (HR is never degraded). */
export function recipeAt(template: DegradationTemplate, size: number): string {
  return size === 0 ? 'original' : recipeName(parseRecipe(`${template.method}@${size}${template.steps}`));
}

export function planProtocols(protocols: readonly ProtocolName[], sizes: readonly number[], template: DegradationTemplate): ProtocolPlan[] {
  const plans: ProtocolPlan[] = [];
  for (const protocol of protocols) {
    if (!PROTOCOL_NAMES.includes(protocol)) {
      throw new SquintError('INVALID_ARGUMENT', `unknown protocol "${protocol}"; use one of ${PROTOCOL_NAMES.join(', ')}`, { input: protocol });
    }
    if (protocol === 'quality') continue;
    if (protocol === 'tinyface') {
      plans.push({ protocol, size: 0, galleryRecipe: 'original', probeRecipe: 'original' });
      continue;
    }
    for (const size of sizes) {
      const probeRecipe = recipeAt(template, size);
      plans.push({ protocol, size, probeRecipe, galleryRecipe: protocol === 'surveillance' ? 'original' : probeRecipe });
    }
  }
  return plans;
}

export function checkSizes(sizes: readonly number[], what = 'sizes'): number[] {
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 0) {
      throw new SquintError('INVALID_ARGUMENT', `face sizes must be non-negative integers (0 = HR), got ${s}`, { input: what });
    }
  }
  // HR first, then descending: the order the table reads best in.
  return [...new Set(sizes)].sort((a, b) => (a === 0 ? -1 : b === 0 ? 1 : b - a));
}
