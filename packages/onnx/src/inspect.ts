import type { InputSpec } from '@squint/core';
import { type DataTypeName, dataTypeName } from './data-type';
import { modelOpset } from './infer-shapes';
import { toNumber, type Model } from './proto';
import { elementCount } from './tensor';
import { formatShape, valueInfoDataType, valueInfoShape, type Shape } from './value-info';

export interface ValueSummary {
  name: string;
  dataType?: DataTypeName;
  /** undefined when the model declares no shape. */
  shape?: Shape;
}

export interface ModelSummary {
  graphName: string;
  producer: string;
  irVersion: number;
  /** Default-domain opset. */
  opset: number;
  opsets: { domain: string; version: number }[];
  inputs: ValueSummary[];
  outputs: ValueSummary[];
  nodeCount: number;
  /** Nodes per op type, most frequent first. */
  opCounts: Record<string, number>;
  /** Elements in floating-point initializers: the learned weights (shape constants excluded). */
  parameterCount: number;
  /** Bytes of all initializer data. */
  initializerBytes: number;
}

const FLOAT_TYPES = new Set<DataTypeName | undefined>(['float32', 'float16', 'float64']);

export function inspect(model: Model): ModelSummary {
  const g = model.graph;
  const weights = new Set(g.initializer.map((t) => t.name));
  const counts = new Map<string, number>();
  for (const n of g.node) {
    const op = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
  let parameterCount = 0;
  let initializerBytes = 0;
  for (const t of g.initializer) {
    const count = elementCount(t.dims.map(toNumber));
    if (FLOAT_TYPES.has(dataTypeName(t.dataType))) parameterCount += count;
    initializerBytes += t.rawData?.length || count * bytesPerElement(dataTypeName(t.dataType));
  }
  const summarise = (vi: (typeof g.input)[number]): ValueSummary => ({ name: vi.name, dataType: valueInfoDataType(vi), shape: valueInfoShape(vi) });
  return {
    graphName: g.name,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    irVersion: toNumber(model.irVersion),
    opset: modelOpset(model),
    opsets: model.opsetImport.map((o) => ({ domain: o.domain || 'ai.onnx', version: toNumber(o.version) })),
    // Old-IR models list initializers among the inputs; they are not what a caller feeds.
    inputs: g.input.filter((vi) => !weights.has(vi.name)).map(summarise),
    outputs: g.output.map(summarise),
    nodeCount: g.node.length,
    opCounts: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    parameterCount,
    initializerBytes,
  };
}

function bytesPerElement(type: DataTypeName | undefined): number {
  return type === 'float64' || type === 'int64' || type === 'uint64' ? 8 : type === 'float16' || type === 'int16' || type === 'uint16' ? 2 : type === 'int8' || type === 'uint8' || type === 'bool' ? 1 : 4;
}

/** Human-readable summary for the CLI and docs. */
export function summary(model: Model): string {
  const s = inspect(model);
  const value = (v: ValueSummary) => `  ${v.name}: ${v.dataType ?? '?'} ${formatShape(v.shape)}`;
  return [
    `graph "${s.graphName}"${s.producer ? ` by ${s.producer}` : ''}, IR ${s.irVersion}, opset ${s.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')}`,
    'inputs:', ...s.inputs.map(value),
    'outputs:', ...s.outputs.map(value),
    `${s.nodeCount} nodes: ${Object.entries(s.opCounts).map(([op, n]) => `${op} ${n}`).join(', ')}`,
    `${s.parameterCount.toLocaleString('en-US')} parameters, ${(s.initializerBytes / 1024 / 1024).toFixed(2)} MiB of initializers`,
  ].join('\n');
}

/**
 * The model's inputs as @squint/core InputSpecs (symbolic or unknown dims accept anything), so a
 * plugin can hand its own model file to `checkModelInputs` without writing the shapes twice.
 */
export function inputSpecs(model: Model): InputSpec[] {
  return inspect(model).inputs.map((v) => ({ name: v.name, dims: (v.shape ?? []).map((d) => (typeof d === 'number' ? d : null)) }));
}
