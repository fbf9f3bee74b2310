import { SquintError, type SquintPlugin, type StrategySpec } from '@squint/core';
import { createClassicalQuality, type ClassicalQualityOptions } from './classical-quality';
import { createCnnIqa } from './cnniqa';
import type { InputRange } from './cnniqa-graph';
import { CNNIQA_VARIANTS, type CnnIqaVariant } from './cnniqa-weights';
import { createStabilityQuality, type Perturbation } from './stability-quality';

/**
 * Quality strategies for JSON pipelines:
 *   "classical"                                                   no options needed
 *   { "name": "stability", "options": { "backbone": <backbone spec>, "perturbations": ["flip", "shift"] } }
 *   { "name": "cnniqa", "options": { "variant": "pyiqa", "weights": "path/or/url.safetensors",
 *                                    "inputRange": "[-1,1]", "inputSize": 120 } }
 */
export const qualityPlugin: SquintPlugin = {
  name: '@squint/quality-cnniqa',
  register(registry) {
    registry.register('quality', 'classical', (options) => createClassicalQuality(options as ClassicalQualityOptions));

    registry.register('quality', 'stability', async (options, context) => {
      const spec = options.backbone as StrategySpec | undefined;
      if (!spec || (typeof spec !== 'string' && typeof (spec as { name?: unknown }).name !== 'string')) {
        throw new SquintError('INVALID_ARGUMENT', 'quality "stability" needs options.backbone: the backbone to test stability with, as a strategy spec (e.g. "mobilefacenet" or { "name": ..., "options": ... })', { input: 'stability' });
      }
      const backbone = await context.registry.create('backbone', spec, context.runtime);
      return createStabilityQuality(backbone, {
        perturbations: options.perturbations as Perturbation[] | undefined,
        shiftPixels: options.shiftPixels as number | undefined,
        batchSize: options.batchSize as number | undefined,
      });
    });

    registry.register('quality', 'cnniqa', (options, context) => {
      const { variant, weights } = options;
      if (!CNNIQA_VARIANTS.includes(variant as CnnIqaVariant)) {
        throw new SquintError('INVALID_ARGUMENT', `quality "cnniqa" needs options.variant 'kang' or 'pyiqa', got ${JSON.stringify(variant)}`, { input: 'cnniqa' });
      }
      if (typeof weights !== 'string' || weights.length === 0) {
        throw new SquintError('INVALID_ARGUMENT', 'quality "cnniqa" needs options.weights: the path or URL of a CNN-IQA safetensors file (see the README for converting a PyTorch checkpoint)', { input: 'cnniqa' });
      }
      return createCnnIqa(context.runtime, {
        variant: variant as CnnIqaVariant,
        weights,
        inputRange: options.inputRange as InputRange | undefined,
        inputSize: options.inputSize as number | undefined,
        negate: options.negate as boolean | undefined,
        batchSize: options.batchSize as number | undefined,
      });
    });
  },
};
