// Test fixture (not published, not built): await a promise that must fail with a SquintError.
import { expect } from 'vitest';
import { SquintError } from '@squint/core';

export async function failure(promise: Promise<unknown>): Promise<SquintError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(SquintError);
    return e as SquintError;
  }
  throw new Error('expected a SquintError, got success');
}
