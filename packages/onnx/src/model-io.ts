import { SquintError } from '@squint/core';
import type { onnx as P } from 'onnx-proto';
import { onnx, toNumber, type Model } from './proto';

/**
 * Parses ONNX bytes. Protobuf decoding accepts many non-ONNX byte strings without complaint, so
 * the result is also checked for what every real model has: a graph with outputs and an opset.
 */
export function readModel(bytes: Uint8Array, label = 'model'): Model {
  const invalid = (why: string, cause?: unknown) =>
    new SquintError('MODEL_INVALID', `not an ONNX model (${why}); pass the bytes of an .onnx file`, { input: label, cause });
  if (!(bytes instanceof Uint8Array)) throw invalid('expected a Uint8Array');
  if (bytes.length === 0) throw invalid('the file is empty');
  let model: Model;
  try {
    model = onnx.ModelProto.decode(bytes) as Model;
  } catch (e) {
    throw invalid(`protobuf decoding failed: ${(e as Error).message}`, e);
  }
  const irVersion = toNumber(model.irVersion);
  if (irVersion < 1 || irVersion > 100) throw invalid(`ir_version ${irVersion} is out of range`);
  if (!model.graph) throw invalid('it has no graph');
  if (model.graph.output.length === 0) throw invalid('its graph has no outputs');
  if (model.opsetImport.length === 0) throw invalid('it imports no opset');
  return model;
}

/** Serialises a model (as read, built or edited) back to ONNX bytes. */
export function writeModel(model: Model | P.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}
