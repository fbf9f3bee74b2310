import { describe, expect, it } from 'vitest';
import { createImage } from '@squint/core';
import type { ModelInputFacts } from './descriptors';
import { inputDims, writeInput } from './input-tensor';

/** 3x2 image whose pixel (x, y) is (10x + y, 100 + x, 200 + y). */
const image = createImage(3, 2, Uint8Array.from({ length: 18 }, (_, i) => {
  const p = Math.floor(i / 3), c = i % 3, x = p % 3, y = Math.floor(p / 3);
  return [10 * x + y, 100 + x, 200 + y][c];
}));
const facts = (over: Partial<ModelInputFacts>): ModelInputFacts => ({
  name: 'input', width: 2, height: 2, layout: 'NCHW', color: 'RGB', mean: [0, 0, 0], std: [1, 1, 1], ...over,
});

describe('writeInput', () => {
  it('writes NCHW planes with (x - mean) / std into the given batch slot', () => {
    const f = facts({ mean: [1, 2, 3], std: [1, 2, 4] });
    const target = new Float32Array(2 * 12).fill(-9);
    writeInput(target, 1, image, f, { x: 1, y: 0 });
    expect(Array.from(target.subarray(0, 12))).toEqual(new Array(12).fill(-9));
    // Window covers image x = 1..2, y = 0..1.
    expect(Array.from(target.subarray(12, 16))).toEqual([10 - 1, 20 - 1, 11 - 1, 21 - 1]);
    expect(Array.from(target.subarray(16, 20))).toEqual([(101 - 2) / 2, (102 - 2) / 2, (101 - 2) / 2, (102 - 2) / 2]);
    expect(Array.from(target.subarray(20, 24))).toEqual([(200 - 3) / 4, (200 - 3) / 4, (201 - 3) / 4, (201 - 3) / 4]);
    expect(inputDims(2, f)).toEqual([2, 3, 2, 2]);
  });

  it('writes NHWC BGR and fills the part outside the image with zero (the mean)', () => {
    const f = facts({ layout: 'NHWC', color: 'BGR' });
    const target = new Float32Array(12).fill(-9);
    writeInput(target, 0, image, f, { x: 2, y: 1 });
    // Only window pixel (0, 0) = image (2, 1) is inside.
    expect(Array.from(target)).toEqual([201, 102, 21, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(inputDims(1, f)).toEqual([1, 2, 2, 3]);
  });

  it('converts to luma for gray models', () => {
    const target = new Float32Array(4);
    writeInput(target, 0, image, facts({ color: 'gray', mean: [0], std: [1] }));
    expect(target[0]).toBeCloseTo(0.299 * 0 + 0.587 * 100 + 0.114 * 200, 4);
    expect(inputDims(1, facts({ color: 'gray' }))).toEqual([1, 1, 2, 2]);
  });
});
