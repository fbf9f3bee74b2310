import { SquintError } from '@squint/core';

/** The onnxruntime-web backends Squint drives: WebGPU first where it exists, wasm everywhere. */
export type WebExecutionProvider = 'webgpu' | 'wasm';

export const DEFAULT_EXECUTION_PROVIDERS: readonly WebExecutionProvider[] = ['webgpu', 'wasm'];

export function checkExecutionProviders(list: readonly string[] | undefined): readonly WebExecutionProvider[] {
  if (list === undefined) return DEFAULT_EXECUTION_PROVIDERS;
  if (!Array.isArray(list) || list.length === 0) {
    throw new SquintError('INVALID_ARGUMENT', `executionProviders must be a non-empty list of 'webgpu' and/or 'wasm', got ${JSON.stringify(list)}`);
  }
  for (const ep of list) {
    if (ep !== 'webgpu' && ep !== 'wasm') {
      throw new SquintError('INVALID_ARGUMENT', `unknown execution provider ${JSON.stringify(ep)}; use 'webgpu' and/or 'wasm' (WebGL and WebNN are not supported by Squint)`);
    }
  }
  return [...new Set(list)] as WebExecutionProvider[];
}

export function checkThreads(threads: number | undefined, input?: string): void {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new SquintError('INVALID_ARGUMENT', `threads must be a positive integer, got ${threads}`, { input });
  }
}
