import { SquintError } from '@squint/core';
import { GraphBuilder, type ValueRef } from '@squint/onnx';
import { cnnIqaWeightShapes, CNNIQA_VARIANTS, type CnnIqaVariant } from './cnniqa-weights';
import { validateWeights, type WeightMap } from './safetensors';

/**
 * The value range the network was trained on, as a map from 8-bit pixels. '[0,1]' is what both
 * reference implementations feed (torchvision's to_tensor); '[-1,1]' reproduces PETALface, whose
 * IQA sees the recognition tensor ((x/255 - 0.5) / 0.5) rather than [0,1]; anything else is
 * `{ scale, shift }`: value = pixel * scale + shift.
 */
export type InputRange = '[0,1]' | '[0,255]' | '[-1,1]' | { scale: number; shift: number };

export function inputTransform(range: InputRange): { scale: number; shift: number } {
  if (range === '[0,1]') return { scale: 1 / 255, shift: 0 };
  if (range === '[0,255]') return { scale: 1, shift: 0 };
  if (range === '[-1,1]') return { scale: 2 / 255, shift: -1 };
  if (range && typeof range === 'object' && Number.isFinite(range.scale) && Number.isFinite(range.shift)) return { ...range };
  throw new SquintError('INVALID_ARGUMENT', `inputRange ${JSON.stringify(range)} is not '[0,1]', '[0,255]', '[-1,1]' or { scale, shift } with finite numbers`);
}

export interface CnnIqaGraphOptions {
  variant: CnnIqaVariant;
  /** Default '[0,1]'. */
  inputRange?: InputRange;
  /** Output -score: for weights trained on a "higher = worse" target (LIVE DMOS, as in Kang's paper). */
  negate?: boolean;
  /** Names the weights in errors. */
  label?: string;
}

/** Side of Kang's non-overlapping patches. */
export const KANG_PATCH = 32;
/** BT.601 luma, as PIL's convert('L') that lidq92's loader uses. */
const LUMA = [0.299, 0.587, 0.114];

/**
 * CNN-IQA as an ONNX graph (opset 17), batched and of any image size:
 *
 *   input  `image` float32 [N, 3, H, W]: RGB pixel values 0..255, planar
 *   output `score` float32 [N]
 *
 * x = image * scale + shift (the input range, baked in), then
 * - pyiqa: conv 7x7x50 over the whole RGB image (valid padding), then the head;
 * - kang: grey = luma(x); the image is cut into non-overlapping 32x32 patches from the top-left
 *   (a remainder under 32 px at the right/bottom is dropped, as lidq92 does) — inside the graph,
 *   with Shape/Slice/Reshape/Transpose, so H and W stay dynamic; each patch gets local contrast
 *   normalisation: mu and sigma are the mean and the population standard deviation over the 3x3
 *   window around each pixel, with the patch edge replicated (scipy's 'symm' boundary, which for a
 *   3x3 window is edge replication), sigma = sqrt(max(E[x^2] - mu^2, 0)), y = (x - mu) / (sigma + 1);
 *   then conv 7x7x50 and the head per patch; the image score is the mean over its patches.
 * Head: global max-pool and global min-pool (min = -maxpool(-x)) of the 50 maps, concatenated in
 * that order (100) -> FC 800 + ReLU -> FC 800 + ReLU -> FC 1 (dropout is inactive at inference).
 *
 * kang needs H, W >= 32; pyiqa needs H, W >= 7. The caller checks (createCnnIqa does).
 * E[x^2] - mu^2 in float32 loses precision for large values: keep kang's input range near [0,1].
 */
export function buildCnnIqaGraph(weights: WeightMap, options: CnnIqaGraphOptions): Uint8Array {
  const { variant, inputRange = '[0,1]', negate = false, label = 'cnniqa weights' } = options;
  if (!CNNIQA_VARIANTS.includes(variant)) {
    throw new SquintError('INVALID_ARGUMENT', `unknown CNN-IQA variant "${variant}"; use ${CNNIQA_VARIANTS.map((v) => `'${v}'`).join(' or ')}`);
  }
  validateWeights(weights, cnnIqaWeightShapes(variant), label);
  for (const [name, t] of Object.entries(weights)) {
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new SquintError('WEIGHTS_INVALID', `tensor "${name}" holds ${t.data[bad]} at element ${bad}`, { input: label });
  }
  const { scale, shift } = inputTransform(inputRange);

  const g = new GraphBuilder(`cnniqa-${variant}`);
  const image = g.input('image', 'float32', ['N', 3, 'H', 'W'], 'RGB pixel values 0..255, planar');
  let x: ValueRef = image;
  if (scale !== 1) x = g.node('Mul', [x, g.float32s([scale])]);
  if (shift !== 0) x = g.node('Add', [x, g.float32s([shift])]);

  const w = (name: string) => g.initializer(name, weights[name].data, weights[name].shape);
  const head = (input: ValueRef): ValueRef => {
    const h = g.node('Conv', [input, w('conv1.weight'), w('conv1.bias')]);
    const max = g.node('GlobalMaxPool', [h]);
    const min = g.node('Neg', [g.node('GlobalMaxPool', [g.node('Neg', [h])])]);
    let f = g.node('Flatten', [g.node('Concat', [max, min], { axis: 1 })], { axis: 1 });
    f = g.node('Relu', [g.node('Gemm', [f, w('fc1.weight'), w('fc1.bias')], { transB: 1 })]);
    f = g.node('Relu', [g.node('Gemm', [f, w('fc2.weight'), w('fc2.bias')], { transB: 1 })]);
    return g.node('Gemm', [f, w('fc3.weight'), w('fc3.bias')], { transB: 1 });
  };

  let score: ValueRef;
  if (variant === 'pyiqa') {
    score = g.node('Reshape', [head(x), g.int64s([-1])]);
  } else {
    const gray = g.node('Conv', [x, g.constant(Float32Array.from(LUMA), [1, 3, 1, 1])]);
    const patches = cutPatches(g, gray);
    const perPatch = head(localContrastNormalise(g, patches));
    // [N * P, 1] -> [N, P] -> mean over P.
    const batch = g.node('Slice', [g.node('Shape', [image]), g.int64s([0]), g.int64s([1]), g.int64s([0])]);
    const byImage = g.node('Reshape', [perPatch, g.node('Concat', [batch, g.int64s([-1])], { axis: 0 })]);
    score = g.node('ReduceMean', [byImage], { axes: [1], keepdims: 0 });
  }
  if (negate) score = g.node('Neg', [score]);
  g.output(g.node('Identity', [score], {}, { outputs: ['score'] }), 'float32', ['N']);
  return g.toModel({ opset: 17, docString: `CNN-IQA (${variant}) built by @squint/quality-cnniqa` });
}

/** [N, 1, H, W] -> [N * nh * nw, 1, 32, 32], row-major patch order, remainder dropped. */
function cutPatches(g: GraphBuilder, gray: ValueRef): ValueRef {
  const hw = g.node('Slice', [g.node('Shape', [gray]), g.int64s([2]), g.int64s([4]), g.int64s([0])]);
  const counts = g.node('Div', [hw, g.int64s([KANG_PATCH, KANG_PATCH])]);
  const cropped = g.node('Slice', [gray, g.int64s([0, 0]), g.node('Mul', [counts, g.int64s([KANG_PATCH, KANG_PATCH])]), g.int64s([2, 3])]);
  const nh = g.node('Slice', [counts, g.int64s([0]), g.int64s([1]), g.int64s([0])]);
  const nw = g.node('Slice', [counts, g.int64s([1]), g.int64s([2]), g.int64s([0])]);
  const grid = g.node('Concat', [g.int64s([-1]), nh, g.int64s([KANG_PATCH]), nw, g.int64s([KANG_PATCH])], { axis: 0 });
  const blocks = g.node('Transpose', [g.node('Reshape', [cropped, grid])], { perm: [0, 1, 3, 2, 4] });
  return g.node('Reshape', [blocks, g.int64s([-1, 1, KANG_PATCH, KANG_PATCH])]);
}

/** (x - mu) / (sigma + 1) over 3x3 windows, edge-replicated at each patch's border. */
function localContrastNormalise(g: GraphBuilder, x: ValueRef): ValueRef {
  const pads = g.int64s([0, 0, 1, 1, 0, 0, 1, 1]);
  const mean3 = (v: ValueRef) => g.node('AveragePool', [g.node('Pad', [v, pads], { mode: 'edge' })], { kernel_shape: [3, 3], strides: [1, 1] });
  const mu = mean3(x);
  const meanSq = mean3(g.node('Mul', [x, x]));
  const variance = g.node('Relu', [g.node('Sub', [meanSq, g.node('Mul', [mu, mu])])]);
  const sigmaPlus1 = g.node('Add', [g.node('Sqrt', [variance]), g.float32s([1])]);
  return g.node('Div', [g.node('Sub', [x, mu]), sigmaPlus1]);
}
