import { stat } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { SquintError, type ModelSession, type ModelSource } from '@squint/core';
import { asBytes, localPath } from './local-path';

export interface ModelSessionOptions {
  label?: string;
  threads?: number;
}

/**
 * Opens an onnxruntime-node session. A file is handed to onnxruntime by path rather than read
 * into JS memory, so that large models and models with external data files (weights stored
 * next to the .onnx) load as onnxruntime intends; we only check first that the file is there,
 * because onnxruntime's own message for a missing file does not say what to do.
 */
export async function createModelSession(model: ModelSource, options: ModelSessionOptions = {}): Promise<ModelSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {};
  if (options.threads !== undefined) {
    if (!Number.isInteger(options.threads) || options.threads < 0) {
      throw new SquintError('INVALID_ARGUMENT', `threads must be a non-negative integer (0 = onnxruntime's default), got ${options.threads}`, { input: options.label });
    }
    sessionOptions.intraOpNumThreads = options.threads;
  }

  let session: ort.InferenceSession;
  let label: string;
  if (typeof model === 'string' || model instanceof URL) {
    const path = localPath(model);
    label = options.label ?? path ?? String(model);
    if (path === undefined) {
      throw new SquintError('MODEL_INVALID', 'the Node runtime loads models from a file path, a file: URL or bytes; download remote models first and pass the local path', { input: label });
    }
    await checkModelFile(path, label);
    session = await open(() => ort.InferenceSession.create(path, sessionOptions), label);
  } else {
    const bytes = asBytes(model);
    label = options.label ?? `model bytes (${bytes.length} B)`;
    if (bytes.length === 0) throw new SquintError('MODEL_INVALID', 'model bytes are empty', { input: label });
    session = await open(() => ort.InferenceSession.create(bytes, sessionOptions), label);
  }
  return wrapSession(session, label);
}

async function checkModelFile(path: string, label: string): Promise<void> {
  const info = await stat(path).catch((cause: NodeJS.ErrnoException) => {
    const what = cause.code === 'ENOENT' ? 'model file not found' : `cannot read model file (${cause.code ?? cause.message})`;
    throw new SquintError('MODEL_INVALID', `${what}: ${path}; check the path, or pass the model's bytes instead`, { input: label, cause });
  });
  if (!info.isFile()) throw new SquintError('MODEL_INVALID', `${path} is not a file; pass the path of the .onnx file itself`, { input: label });
  if (info.size === 0) throw new SquintError('MODEL_INVALID', `model file is empty (0 bytes): ${path}; the download or copy probably failed`, { input: label });
}

async function open(create: () => Promise<ort.InferenceSession>, label: string): Promise<ort.InferenceSession> {
  try {
    return await create();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new SquintError('MODEL_INVALID', `onnxruntime cannot load this model (${reason}); is it an ONNX file, complete, and for an opset this onnxruntime supports?`, { input: label, cause });
  }
}

function wrapSession(session: ort.InferenceSession, label: string): ModelSession {
  return {
    label,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata,
    outputMetadata: session.outputMetadata,
    run: (feeds) => session.run(feeds),
    release: () => session.release(),
  };
}
