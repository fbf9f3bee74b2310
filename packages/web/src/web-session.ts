import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { SquintError, type ModelSession } from '@squint/core';
import type { WebExecutionProvider } from './execution-provider';

/** A ModelSession that also says where it runs. */
export interface WebModelSession extends ModelSession {
  readonly executionProvider: WebExecutionProvider;
}

export function wrapSession(session: InferenceSession, label: string, executionProvider: WebExecutionProvider): WebModelSession {
  return {
    label,
    executionProvider,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata,
    outputMetadata: session.outputMetadata,
    async run(feeds: Record<string, Tensor>) {
      try {
        return await session.run(feeds);
      } catch (cause) {
        const msg = cause instanceof Error ? cause.message : String(cause);
        throw new SquintError('MODEL_SHAPE', `inference failed on ${executionProvider} (${msg}); check the feeds against inputMetadata: ${describeInputs(session)}`, { input: label, cause });
      }
    },
    release: () => session.release(),
  };
}

function describeInputs(session: InferenceSession): string {
  return session.inputMetadata
    .map((m) => (m.isTensor ? `${m.name} ${m.type} [${m.shape.join(',')}]` : m.name))
    .join(', ');
}
