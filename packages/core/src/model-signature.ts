import type { ModelSession } from './runtime';
import { SquintError } from './errors';

/** Expected dims per input: a number must match, null accepts anything (dynamic batch, ...). */
export interface InputSpec {
  name?: string;
  dims: readonly (number | null)[];
}

/**
 * Checks a loaded model's inputs against what a plugin will feed it, so a wrong model file fails
 * at load time with a clear message instead of deep inside onnxruntime at the first run.
 */
export function checkModelInputs(session: ModelSession, specs: readonly InputSpec[]): void {
  const meta = session.inputMetadata;
  if (meta.length < specs.length) {
    throw new SquintError('MODEL_SHAPE', `model has ${meta.length} input(s), expected ${specs.length} (${specs.map((s) => s.name ?? '?').join(', ')})`, { input: session.label });
  }
  specs.forEach((spec, i) => {
    const m = meta[i];
    if (spec.name && m.name !== spec.name) {
      throw new SquintError('MODEL_SHAPE', `input ${i} is named "${m.name}", expected "${spec.name}"`, { input: session.label });
    }
    if (!m.isTensor) throw new SquintError('MODEL_SHAPE', `input "${m.name}" is not a tensor`, { input: session.label });
    const shape = m.shape;
    if (shape.length === 0) return; // shape unknown to onnxruntime: nothing to check
    const bad = shape.length !== spec.dims.length ||
      spec.dims.some((d, j) => d !== null && typeof shape[j] === 'number' && shape[j] !== d && shape[j] !== -1);
    if (bad) {
      const want = spec.dims.map((d) => (d === null ? '?' : d)).join('x');
      throw new SquintError('MODEL_SHAPE', `input "${m.name}" has shape [${shape.join(',')}], expected ${want}`, { input: session.label });
    }
  });
}
