import { SquintError } from '@squint/core';
import { GraphBuilder, type Dim, type ValueRef } from '@squint/onnx';
import { decodeTfjsWeights, modelConfig, type KerasLayer, type TfjsLayersModelJson, type WeightTensor } from './tfjs-layers-model';

export interface TfjsConversionOptions {
  /** Names the model in errors and in the graph. Default 'tfjs-model'. */
  label?: string;
  /** Stored in the ONNX model's doc string (e.g. the original model's license notice). */
  docString?: string;
  /** Default 'input'. */
  inputName?: string;
  /** Default 'output'. */
  outputName?: string;
}

/** Keras layer classes the converter knows; ESRGAN (RDN) models from UpscalerJS use all but ReLU/LeakyReLU. */
export const SUPPORTED_LAYERS = ['InputLayer', 'Conv2D', 'Activation', 'ReLU', 'LeakyReLU', 'Concatenate', 'Add', 'UpSampling2D'] as const;

const OPSET = 13;

/**
 * Converts a TF.js layers model (Keras functional, channels_last) into an ONNX graph with NCHW
 * input and output. TF.js tensors are NHWC; the graph is NCHW throughout (the layout ONNX convolution
 * wants), so the conversion happens once at the boundary: kernels HWIO -> OIHW, channel axes -> 1.
 * Batch, height and width stay dynamic.
 */
export function convertTfjsLayersModel(model: TfjsLayersModelJson, weightData: Uint8Array, options: TfjsConversionOptions = {}): Uint8Array {
  const label = options.label ?? 'tfjs-model';
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  const cfg = modelConfig(model, label);
  const weights = decodeTfjsWeights(model, weightData, label);
  if (cfg.input_layers.length !== 1 || cfg.output_layers.length !== 1) {
    throw new SquintError('MODEL_INVALID', `model has ${cfg.input_layers.length} inputs and ${cfg.output_layers.length} outputs; only single-input, single-output image models convert`, { input: label });
  }

  const g = new GraphBuilder(label, { opset: OPSET });
  /** Keras layer name -> ONNX value and its channel count. */
  const values = new Map<string, { ref: ValueRef; channels: number }>();
  const used = new Set<string>();

  const fail = (layer: KerasLayer, why: string): never => {
    throw new SquintError('MODEL_INVALID', `layer "${layer.name}" (${layer.class_name}): ${why}`, { input: label });
  };
  const inputsOf = (layer: KerasLayer) => {
    if (layer.inbound_nodes.length !== 1) fail(layer, `is called ${layer.inbound_nodes.length} times; shared layers are not supported`);
    return layer.inbound_nodes[0].map(([src, nodeIndex, tensorIndex]) => {
      const v = values.get(src);
      if (!v || nodeIndex !== 0 || tensorIndex !== 0) fail(layer, `input "${src}"[${nodeIndex}][${tensorIndex}] is not an earlier single-output layer`);
      return v!;
    });
  };
  const weight = (layer: KerasLayer, kind: string): WeightTensor => {
    const w = weights.get(`${layer.name}/${kind}`);
    if (!w) throw new SquintError('WEIGHTS_INVALID', `weight "${layer.name}/${kind}" is missing from the manifest`, { input: label });
    used.add(`${layer.name}/${kind}`);
    return w;
  };
  const activation = (layer: KerasLayer, x: ValueRef, fn: unknown): ValueRef => {
    switch (fn ?? 'linear') {
      case 'linear': return x;
      case 'relu': return g.node('Relu', [x]);
      case 'sigmoid': return g.node('Sigmoid', [x]);
      case 'tanh': return g.node('Tanh', [x]);
      default: return fail(layer, `activation "${String(fn)}" is not supported (relu, sigmoid, tanh, linear)`);
    }
  };
  const channelAxis = (layer: KerasLayer, axis: number): number => {
    const a = axis < 0 ? axis + 4 : axis;
    if (a === 3) return 1;
    if (a === 1 || a === 2) return a + 1;
    return fail(layer, `concatenation along axis ${axis} (the batch) is not supported`);
  };

  for (const layer of cfg.layers) {
    const c = layer.config;
    if (c.data_format !== undefined && c.data_format !== 'channels_last') fail(layer, `data_format "${String(c.data_format)}" is not supported (channels_last only)`);
    let out: { ref: ValueRef; channels: number };
    switch (layer.class_name) {
      case 'InputLayer': {
        const shape = (c.batch_input_shape ?? c.batch_shape) as (number | null)[] | undefined;
        if (!shape || shape.length !== 4) fail(layer, `input shape ${JSON.stringify(shape)} is not an NHWC image batch`);
        const [, h, w, ch] = shape!;
        if (ch === null) fail(layer, 'the channel count must be fixed');
        const dims: Dim[] = ['N', ch!, h ?? 'H', w ?? 'W'];
        out = { ref: g.input(inputName, 'float32', dims), channels: ch! };
        break;
      }
      case 'Conv2D': {
        const [x] = inputsOf(layer);
        const kernel = weight(layer, 'kernel');
        const [kh, kw, cin, cout] = kernel.shape;
        const groups = (c.groups as number | undefined) ?? 1;
        if (kernel.shape.length !== 4 || cout !== c.filters || cin * groups !== x.channels) {
          throw new SquintError('WEIGHTS_INVALID', `"${layer.name}/kernel" has shape [${kernel.shape.join(',')}]; expected [kh, kw, ${x.channels / groups}, ${String(c.filters)}]`, { input: label });
        }
        const strides = (c.strides as number[]) ?? [1, 1];
        const dilations = (c.dilation_rate as number[]) ?? [1, 1];
        const attrs: Record<string, number[] | number | string> = { kernel_shape: [kh, kw], strides, dilations, group: groups };
        if (c.padding === 'same') {
          if (strides[0] === 1 && strides[1] === 1) {
            // TF's "same" puts the odd pixel of padding at the end (bottom/right).
            const th = dilations[0] * (kh - 1), tw = dilations[1] * (kw - 1);
            attrs.pads = [th >> 1, tw >> 1, th - (th >> 1), tw - (tw >> 1)];
          } else {
            attrs.auto_pad = 'SAME_UPPER';
          }
        } else if (c.padding === 'valid') {
          attrs.pads = [0, 0, 0, 0];
        } else {
          fail(layer, `padding "${String(c.padding)}" is not supported (same, valid)`);
        }
        const w = g.initializer(`${layer.name}.weight`, hwioToOihw(kernel), [cout, cin, kh, kw]);
        const inputs = [x.ref, w];
        if (c.use_bias !== false) {
          const b = weight(layer, 'bias');
          if (b.data.length !== cout) throw new SquintError('WEIGHTS_INVALID', `"${layer.name}/bias" has ${b.data.length} values, expected ${cout}`, { input: label });
          inputs.push(g.initializer(`${layer.name}.bias`, b.data, [cout]));
        }
        out = { ref: activation(layer, g.node('Conv', inputs, attrs), c.activation), channels: cout };
        break;
      }
      case 'Activation': {
        const [x] = inputsOf(layer);
        out = { ref: activation(layer, x.ref, c.activation), channels: x.channels };
        break;
      }
      case 'ReLU': {
        const [x] = inputsOf(layer);
        if ((c.max_value ?? null) !== null || (c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) fail(layer, 'only a plain ReLU (no max_value, negative_slope or threshold) is supported');
        out = { ref: g.node('Relu', [x.ref]), channels: x.channels };
        break;
      }
      case 'LeakyReLU': {
        const [x] = inputsOf(layer);
        out = { ref: g.node('LeakyRelu', [x.ref], { alpha: (c.alpha as number | undefined) ?? 0.3 }), channels: x.channels };
        break;
      }
      case 'Concatenate': {
        const xs = inputsOf(layer);
        const axis = channelAxis(layer, (c.axis as number | undefined) ?? -1);
        out = { ref: g.node('Concat', xs.map((x) => x.ref), { axis }), channels: axis === 1 ? xs.reduce((s, x) => s + x.channels, 0) : xs[0].channels };
        break;
      }
      case 'Add': {
        const xs = inputsOf(layer);
        out = { ref: g.node(xs.length === 2 ? 'Add' : 'Sum', xs.map((x) => x.ref)), channels: xs[0].channels };
        break;
      }
      case 'UpSampling2D': {
        const [x] = inputsOf(layer);
        if ((c.interpolation ?? 'nearest') !== 'nearest') fail(layer, `interpolation "${String(c.interpolation)}" is not supported (nearest only)`);
        const [sh, sw] = (c.size as number[]) ?? [2, 2];
        const scales = g.initializer(`${layer.name}.scales`, new Float32Array([1, 1, sh, sw]), [4]);
        // asymmetric + floor: output pixel i copies input floor(i / s), Keras' pixel replication.
        out = {
          ref: g.node('Resize', [x.ref, null, scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }),
          channels: x.channels,
        };
        break;
      }
      default:
        return fail(layer, `layer type is not supported; supported: ${SUPPORTED_LAYERS.join(', ')}`);
    }
    values.set(layer.name, out);
  }

  const unused = [...weights.keys()].filter((k) => !used.has(k));
  if (unused.length) throw new SquintError('WEIGHTS_INVALID', `weights ${unused.join(', ')} belong to no converted layer`, { input: label });
  const last = values.get(cfg.output_layers[0][0]);
  if (!last) throw new SquintError('MODEL_INVALID', `output layer "${cfg.output_layers[0][0]}" was not found`, { input: label });
  // Named output dims: left unknown, onnxruntime's Resize inference guesses 1 x scale and warns on every run.
  g.output(g.node('Identity', [last.ref], {}, { outputs: [outputName] }), 'float32', ['N', last.channels, 'H_out', 'W_out']);
  return g.toModel({ docString: options.docString, producerName: 'squint (tfjs layers converter)' });
}

/** Keras kernels are [kh, kw, in, out]; ONNX Conv wants [out, in, kh, kw]. */
export function hwioToOihw(w: WeightTensor): Float32Array {
  const [kh, kw, cin, cout] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = w.data[((y * kw + x) * cin + i) * cout + o];
      }
    }
  }
  return out;
}
