import { describe, it, expect } from 'vitest';
import { isSquintError } from '@squint/core';
import { rgbaToRgb } from './rgba-to-rgb';

describe('rgbaToRgb', () => {
  it('copies opaque pixels and composites transparent ones over white, pixel order unchanged', () => {
    const data = new Uint8ClampedArray([
      10, 20, 30, 255, 40, 50, 60, 0,
      70, 80, 90, 128, 250, 251, 252, 1,
    ]);
    const img = rgbaToRgb({ width: 2, height: 2, data });
    expect(img.width).toBe(2);
    expect(img.height).toBe(2);
    expect(Array.from(img.data)).toEqual([10, 20, 30, 255, 255, 255, 162, 167, 172, 255, 255, 255]);
  });

  it('refuses data whose length does not match the size, naming the input', () => {
    let error: unknown;
    try {
      rgbaToRgb({ width: 3, height: 2, data: new Uint8Array(20) }, 'frame-7');
    } catch (e) {
      error = e;
    }
    expect(isSquintError(error, 'IMAGE_DECODE')).toBe(true);
    expect((error as Error).message).toMatch(/^frame-7: .*needs 24 bytes, got 20/);
  });

  it('refuses an empty size', () => {
    expect(() => rgbaToRgb({ width: 0, height: 5, data: new Uint8Array(0) })).toThrow(/0x5/);
  });
});
