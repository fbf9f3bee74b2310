import type { InferenceRuntime, ModelSession } from '@squint/core';
import type { ModelInputFacts } from './descriptors';
import { inputDims } from './input-tensor';

export type ModelOutputs = Awaited<ReturnType<ModelSession['run']>>;

/**
 * Items one run may carry: a model exported with a fixed batch dimension (the original faceplugin
 * files, many BYO exports) takes exactly that many; a symbolic one takes up to `preferred`.
 */
export function batchCapacity(session: ModelSession, preferred: number): { size: number; fixed: boolean } {
  const meta = session.inputMetadata[0];
  const dim = meta?.isTensor ? meta.shape[0] : undefined;
  return typeof dim === 'number' && dim > 0 ? { size: dim, fixed: true } : { size: Math.max(1, preferred), fixed: false };
}

/**
 * Runs `count` items through a single-input model in as few runs as the batch allows: `fill`
 * writes item `item` into slot `slot` of the input, `read` takes the slot's answer from the
 * outputs. A fixed batch larger than the last chunk is padded with zeros.
 */
export async function runBatched(
  runtime: InferenceRuntime,
  session: ModelSession,
  facts: ModelInputFacts,
  count: number,
  preferredBatch: number,
  fill: (target: Float32Array, slot: number, item: number) => void,
  read: (outputs: ModelOutputs, slot: number, item: number) => void,
): Promise<void> {
  const { size, fixed } = batchCapacity(session, preferredBatch);
  const perItem = inputDims(1, facts).reduce((a, b) => a * b, 1);
  for (let start = 0; start < count; start += size) {
    const n = Math.min(size, count - start);
    const slots = fixed ? size : n;
    const data = new Float32Array(slots * perItem);
    for (let s = 0; s < n; s++) fill(data, s, start + s);
    const outputs = await session.run({ [facts.name]: runtime.tensor('float32', data, inputDims(slots, facts)) });
    for (let s = 0; s < n; s++) read(outputs, s, start + s);
  }
}
