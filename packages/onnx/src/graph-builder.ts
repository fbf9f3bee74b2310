import { SquintError } from '@squint/core';
import { makeAttribute, type AttributeValue } from './attributes';
import { dataTypeName, type DataTypeName } from './data-type';
import { inferNode, inferShapes, type TensorType } from './infer-shapes';
import { writeModel } from './model-io';
import { onnx, type Model, type Node, type ValueInfo } from './proto';
import { elementCount, makeTensor, type TensorData } from './tensor';
import { formatShape, makeValueInfo, type Dim, type Shape } from './value-info';

/** A value in the graph being built, with what is known of its type. Pass it as a node input. */
export interface ValueRef {
  readonly name: string;
  readonly dataType?: DataTypeName;
  readonly shape?: Shape;
}

/** An initializer; `data` is live until the model is built, so weights can be filled in later. */
export interface InitializerRef<D extends TensorData = TensorData> extends ValueRef {
  readonly dataType: DataTypeName;
  readonly shape: number[];
  readonly data: D;
}

/** A value reference or a plain value name; null/undefined/'' mark an omitted optional input. */
export type NodeInput = ValueRef | string | null | undefined;

export interface NodeOptions {
  name?: string;
  /** Output value names; generated from the node name when omitted. */
  outputs?: readonly string[];
  domain?: string;
  docString?: string;
}

export interface GraphBuilderOptions {
  /** Default-domain opset the graph is written for; decides the signatures shape checks expect. Default 17. */
  opset?: number;
  docString?: string;
}

export interface ModelOptions {
  /** Default-domain opset; defaults to the builder's. */
  opset?: number;
  /** Other operator domains used, e.g. `{ 'com.microsoft': 1 }`. */
  opsets?: Record<string, number>;
  /** Default 8, which onnxruntime >= 1.10 reads and opsets up to 17 need. */
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  modelVersion?: number;
  domain?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

interface PendingInitializer {
  name: string;
  data: TensorData;
  dims: number[];
  dataType: DataTypeName;
}

/**
 * Builds an ONNX graph node by node. Every node's output types are inferred as it is added, so a
 * wrong weight shape or channel count fails here, naming the node, instead of inside onnxruntime.
 *
 *     const g = new GraphBuilder('tiny');
 *     const x = g.input('input', 'float32', ['N', 1, 32, 32]);
 *     const w = g.initializer('conv.weight', weights, [8, 1, 3, 3]);
 *     const y = g.node('Relu', [g.node('Conv', [x, w], { pads: [1, 1, 1, 1] })]);
 *     g.output(y);
 *     const bytes = g.toModel({ opset: 17 });
 */
export class GraphBuilder {
  readonly name: string;
  readonly opset: number;
  private readonly docString: string;
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: { ref: ValueRef; explicitShape: boolean; docString: string }[] = [];
  private readonly initializers: PendingInitializer[] = [];
  private readonly nodes: Node[] = [];
  private readonly types = new Map<string, TensorType>();
  private readonly constants = new Map<string, number[]>();
  private readonly taken = new Set<string>();
  private counter = 0;

  constructor(name = 'graph', options: GraphBuilderOptions = {}) {
    this.name = name;
    this.opset = options.opset ?? 17;
    this.docString = options.docString ?? '';
  }

  input(name: string, dataType: DataTypeName, dims: readonly Dim[], docString?: string): ValueRef {
    this.claim(name);
    this.inputs.push(makeValueInfo(name, dataType, dims, docString));
    return this.define(name, { dataType, shape: [...dims] });
  }

  /**
   * Adds a weight. Pass the data, or a typed-array constructor to get a zero-filled tensor whose
   * `data` can be written before the model is built.
   */
  initializer<D extends TensorData>(name: string, data: D | (new (length: number) => D), dims: readonly number[], dataType?: DataTypeName): InitializerRef<D> {
    this.claim(name);
    const values: D = typeof data === 'function' ? new data(elementCount(dims)) : data;
    // Validates length against dims and the element type against the array now, not at build time.
    const { dataType: code } = makeTensor(name, values, dims, dataType);
    const pending: PendingInitializer = { name, data: values, dims: [...dims], dataType: dataType ?? dataTypeName(code)! };
    this.initializers.push(pending);
    if (values.length <= 64) this.constants.set(name, Array.from(values as ArrayLike<number | bigint>, Number));
    this.define(name, { dataType: pending.dataType, shape: pending.dims });
    return { name, dataType: pending.dataType, shape: pending.dims, data: values };
  }

  /** An initializer with a generated name, for the small constants ops take (shapes, scales, axes). */
  constant<D extends TensorData>(data: D, dims: readonly number[], dataType?: DataTypeName): InitializerRef<D> {
    return this.initializer(this.fresh('const'), data, dims, dataType);
  }

  /** 1-D int64 constant: Reshape shapes, Slice starts/ends, Unsqueeze axes, Pad pads, Resize sizes. */
  int64s(values: readonly number[]): InitializerRef<BigInt64Array> {
    return this.constant(BigInt64Array.from(values, (v) => BigInt(v)), [values.length]);
  }

  /** 1-D float32 constant: Resize scales and the like. */
  float32s(values: readonly number[]): InitializerRef<Float32Array> {
    return this.constant(Float32Array.from(values), [values.length]);
  }

  /** Adds a node with one output and returns it. */
  node(opType: string, inputs: readonly NodeInput[], attributes: Record<string, AttributeValue> = {}, options: NodeOptions = {}): ValueRef {
    return this.nodeMulti(opType, inputs, options.outputs?.length ?? 1, attributes, options)[0];
  }

  /** Adds a node with `outputCount` outputs (MaxPool with indices, Split, ...). */
  nodeMulti(opType: string, inputs: readonly NodeInput[], outputCount: number, attributes: Record<string, AttributeValue> = {}, options: NodeOptions = {}): ValueRef[] {
    const name = options.name ?? this.fresh(opType);
    if (options.name) this.claimNode(name);
    const inputNames = inputs.map((v) => {
      const n = v === null || v === undefined ? '' : typeof v === 'string' ? v : v.name;
      if (n && !this.types.has(n)) {
        throw new SquintError('INVALID_ARGUMENT', `node "${name}" reads "${n}", which is not an input, initializer or earlier node output of graph "${this.name}"`);
      }
      return n;
    });
    const outputNames = options.outputs ? [...options.outputs] : Array.from({ length: outputCount }, (_, i) => (outputCount === 1 ? `${name}_out` : `${name}_out${i}`));
    if (outputNames.length !== outputCount) throw new SquintError('INVALID_ARGUMENT', `node "${name}": ${outputNames.length} output names for ${outputCount} outputs`);
    for (const o of outputNames) this.claim(o);
    const node = onnx.NodeProto.fromObject({
      name,
      opType,
      domain: options.domain ?? '',
      docString: options.docString ?? '',
      input: inputNames,
      output: outputNames,
      attribute: Object.entries(attributes).map(([key, value]) => makeAttribute(key, value)),
    }) as Node;
    const outputTypes = inferNode(node, {
      opset: this.opset,
      typeOf: (v) => this.types.get(v),
      constantOf: (v) => this.constants.get(v),
    });
    this.nodes.push(node);
    return outputNames.map((o, i) => this.define(o, outputTypes[i] ?? {}));
  }

  /**
   * Marks a value as a graph output. Type and shape default to the inferred ones; given ones must
   * agree with them (symbolic names may replace numbers, as 'N' for a batch of 1).
   */
  output(value: ValueRef | string, dataType?: DataTypeName, dims?: readonly Dim[], docString = ''): ValueRef {
    const name = typeof value === 'string' ? value : value.name;
    const known = this.types.get(name);
    if (!known) throw new SquintError('INVALID_ARGUMENT', `graph "${this.name}" has no value "${name}" to output`);
    if (dataType && known.dataType && dataType !== known.dataType) {
      throw new SquintError('MODEL_SHAPE', `output "${name}" is ${known.dataType}, not ${dataType}`);
    }
    if (dims && known.shape) checkCompatible(name, dims, known.shape);
    const ref: ValueRef = { name, dataType: dataType ?? known.dataType, shape: dims ? [...dims] : known.shape };
    this.outputs.push({ ref, explicitShape: !!dims, docString });
    return ref;
  }

  /** What the builder knows of a value's type, as inferred so far. */
  typeOf(value: ValueRef | string): TensorType | undefined {
    return this.types.get(typeof value === 'string' ? value : value.name);
  }

  /** The model as a protobuf message, for further editing. */
  build(options: ModelOptions = {}): Model {
    if (this.outputs.length === 0) throw new SquintError('INVALID_ARGUMENT', `graph "${this.name}" has no outputs; call output() first`);
    const opset = options.opset ?? this.opset;
    const outputs = this.outputs.map(({ ref, docString }) => {
      if (!ref.dataType) throw new SquintError('MODEL_SHAPE', `output "${ref.name}" has no known element type; pass it to output()`);
      return makeValueInfo(ref.name, ref.dataType, ref.shape, docString);
    });
    const model = onnx.ModelProto.fromObject({
      irVersion: options.irVersion ?? 8,
      producerName: options.producerName ?? 'squint',
      producerVersion: options.producerVersion ?? '',
      domain: options.domain ?? '',
      modelVersion: options.modelVersion ?? 0,
      docString: options.docString ?? '',
      opsetImport: [{ domain: '', version: opset }, ...Object.entries(options.opsets ?? {}).map(([domain, version]) => ({ domain, version }))],
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        docString: this.docString,
        input: this.inputs,
        output: outputs,
        initializer: this.initializers.map((t) => makeTensor(t.name, t.data, t.dims, t.dataType)),
        // Copies, so a built model can be edited without changing the builder's later builds.
        node: this.nodes.map((n) => onnx.NodeProto.decode(onnx.NodeProto.encode(n).finish())),
      },
    }) as Model;
    if (opset !== this.opset) this.reinferOutputs(model);
    return model;
  }

  /** Serialised model, ready for `InferenceSession.create(bytes)`. */
  toModel(options: ModelOptions = {}): Uint8Array {
    return writeModel(this.build(options));
  }

  /** Shape rules differ between opsets: re-check under the one written and refresh inferred output shapes. */
  private reinferOutputs(model: Model): void {
    const types = inferShapes(model);
    model.graph.output.forEach((vi, i) => {
      const { ref, explicitShape } = this.outputs[i];
      const shape = types.get(ref.name)?.shape;
      if (!explicitShape && shape && ref.dataType) model.graph.output[i] = makeValueInfo(ref.name, ref.dataType, shape, vi.docString);
    });
  }

  private define(name: string, type: TensorType): ValueRef {
    this.types.set(name, type);
    return { name, dataType: type.dataType, shape: type.shape };
  }

  private claim(name: string): void {
    if (!name) throw new SquintError('INVALID_ARGUMENT', `graph "${this.name}": value names must not be empty`);
    if (this.taken.has(name)) throw new SquintError('INVALID_ARGUMENT', `graph "${this.name}" already has a value named "${name}"`);
    this.taken.add(name);
  }

  private claimNode(name: string): void {
    if (this.nodes.some((n) => n.name === name)) throw new SquintError('INVALID_ARGUMENT', `graph "${this.name}" already has a node named "${name}"`);
  }

  private fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.taken.has(name) || this.taken.has(`${name}_out`) || this.nodes.some((n) => n.name === name));
    return name;
  }
}

function checkCompatible(name: string, given: readonly Dim[], inferred: Shape): void {
  const bad = given.length !== inferred.length ||
    given.some((d, i) => typeof d === 'number' && typeof inferred[i] === 'number' && d !== inferred[i]);
  if (bad) throw new SquintError('MODEL_SHAPE', `output "${name}" was declared ${formatShape([...given])} but the graph computes ${formatShape(inferred)}`);
}
