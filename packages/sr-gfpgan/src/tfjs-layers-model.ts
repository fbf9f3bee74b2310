import { SquintError } from '@squint/core';

/** The parts of a TF.js `model.json` (format "layers-model") that a converter reads. */
export interface TfjsLayersModelJson {
  format?: string;
  modelTopology: {
    model_config?: { class_name: string; config: KerasModelConfig };
    /** Some exporters put the model config at the top level. */
    class_name?: string;
    config?: KerasModelConfig;
  };
  weightsManifest: TfjsWeightGroup[];
}

export interface KerasModelConfig {
  name?: string;
  layers: KerasLayer[];
  input_layers: [string, number, number][];
  output_layers: [string, number, number][];
}

export interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  /** One entry per call of the layer; each a list of [layer, nodeIndex, tensorIndex, kwargs]. */
  inbound_nodes: [string, number, number, unknown?][][];
}

export interface TfjsWeightGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: string; quantization?: unknown }[];
}

export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

/** The weight shard file names in the order their bytes must be concatenated. */
export function weightShardPaths(model: TfjsLayersModelJson): string[] {
  return model.weightsManifest.flatMap((g) => g.paths);
}

export function modelConfig(model: TfjsLayersModelJson, label: string): KerasModelConfig {
  const cfg = model.modelTopology?.model_config ?? model.modelTopology;
  if (!cfg?.config || !Array.isArray(cfg.config.layers)) {
    throw new SquintError('MODEL_INVALID', 'model.json has no Keras layer list (modelTopology.model_config.config.layers); is it a TF.js *layers* model rather than a graph model?', { input: label });
  }
  if (cfg.class_name !== 'Functional' && cfg.class_name !== 'Model') {
    throw new SquintError('MODEL_INVALID', `model class "${cfg.class_name}" is not supported; only functional Keras models (class "Functional"/"Model") convert`, { input: label });
  }
  return cfg.config;
}

/**
 * Splits the concatenated shard bytes into named float32 tensors. TF.js stores the weights of all
 * groups back to back in manifest order, little-endian.
 */
export function decodeTfjsWeights(model: TfjsLayersModelJson, bytes: Uint8Array, label: string): Map<string, WeightTensor> {
  const out = new Map<string, WeightTensor>();
  let offset = 0;
  for (const group of model.weightsManifest) {
    for (const w of group.weights) {
      if (w.quantization) {
        throw new SquintError('WEIGHTS_INVALID', `weight "${w.name}" is quantized; convert an unquantized export (tensorflowjs_converter without --quantize_*)`, { input: label });
      }
      if (w.dtype !== 'float32') {
        throw new SquintError('WEIGHTS_INVALID', `weight "${w.name}" has dtype ${w.dtype}; only float32 weights are supported`, { input: label });
      }
      const count = w.shape.reduce((a, b) => a * b, 1);
      const end = offset + count * 4;
      if (end > bytes.length) {
        throw new SquintError('WEIGHTS_INVALID', `weight data ends at byte ${bytes.length} but "${w.name}" [${w.shape.join(',')}] needs bytes ${offset}-${end}; a weight shard is missing or truncated`, { input: label });
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4);
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
      out.set(w.name, { shape: w.shape, data });
      offset = end;
    }
  }
  if (offset !== bytes.length) {
    throw new SquintError('WEIGHTS_INVALID', `weight data has ${bytes.length} bytes but the manifest describes ${offset}; the shards do not belong to this model.json`, { input: label });
  }
  return out;
}
