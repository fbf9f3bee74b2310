import { readSafetensors, validateWeights, type WeightMap } from './safetensors';
import { mulberry32 } from './seeded-random';

/**
 * The two published CNN-IQA networks:
 * - `kang`: Kang et al. 2014 / lidq92's CNNIQA — grey input, non-overlapping 32x32 patches, each
 *   locally contrast-normalised; image score = mean of the patch scores.
 * - `pyiqa`: pyiqa's `cnniqa` — RGB, the whole image at once, no normalisation (PETALface used it).
 */
export type CnnIqaVariant = 'kang' | 'pyiqa';

export const CNNIQA_VARIANTS: readonly CnnIqaVariant[] = ['kang', 'pyiqa'];

/** Kernels, FC widths: the same in both variants and in both reference implementations. */
export const CNNIQA_KERNELS = 50;
export const CNNIQA_KERNEL_SIZE = 7;
export const CNNIQA_HIDDEN = 800;

/** Tensor names (PyTorch state-dict keys of both implementations) and shapes of a weight file. */
export function cnnIqaWeightShapes(variant: CnnIqaVariant): Record<string, number[]> {
  const channels = variant === 'kang' ? 1 : 3;
  return {
    'conv1.weight': [CNNIQA_KERNELS, channels, CNNIQA_KERNEL_SIZE, CNNIQA_KERNEL_SIZE],
    'conv1.bias': [CNNIQA_KERNELS],
    'fc1.weight': [CNNIQA_HIDDEN, 2 * CNNIQA_KERNELS],
    'fc1.bias': [CNNIQA_HIDDEN],
    'fc2.weight': [CNNIQA_HIDDEN, CNNIQA_HIDDEN],
    'fc2.bias': [CNNIQA_HIDDEN],
    'fc3.weight': [1, CNNIQA_HIDDEN],
    'fc3.bias': [1],
  };
}

/** Reads a CNN-IQA safetensors file and checks it has exactly the variant's tensors. */
export function readCnnIqaWeights(bytes: Uint8Array | ArrayBuffer, variant: CnnIqaVariant, label = 'cnniqa weights'): WeightMap {
  const { tensors } = readSafetensors(bytes, label);
  validateWeights(tensors, cnnIqaWeightShapes(variant), label);
  return tensors;
}

/**
 * Seeded random weights with PyTorch's default init scale (uniform in +-1/sqrt(fan_in)): for tests,
 * and as the starting point of training CNN-IQA on face recognisability.
 */
export function randomCnnIqaWeights(variant: CnnIqaVariant, seed = 0): WeightMap {
  const rand = mulberry32(seed);
  const out: WeightMap = {};
  const shapes = cnnIqaWeightShapes(variant);
  for (const [name, shape] of Object.entries(shapes)) {
    const layer = name.split('.')[0];
    const w = shapes[`${layer}.weight`];
    const fanIn = w.slice(1).reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn);
    const count = shape.reduce((a, b) => a * b, 1);
    out[name] = { shape: [...shape], data: Float32Array.from({ length: count }, () => (rand() * 2 - 1) * bound) };
  }
  return out;
}
