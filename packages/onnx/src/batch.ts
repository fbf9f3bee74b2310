import { SquintError } from '@squint/core';
import type { onnx as P } from 'onnx-proto';
import { consumersOf, getInitializer, setInitializer } from './graph-edit';
import { readModel, writeModel } from './model-io';
import { onnx, type Model, type Node } from './proto';
import { makeTensor, tensorToNumbers } from './tensor';

export interface BatchDynamicOptions {
  /** Symbolic name given to the batch dimension. Default 'N'. */
  dimName?: string;
  /** Names the model in errors (file name, model id). */
  label?: string;
}

export interface BatchDynamicReport {
  /** Graph inputs, outputs and value_info entries whose first dim became symbolic. */
  values: string[];
  /** Reshape nodes whose shape constant hard-coded batch 1 and now follows the input. */
  reshapes: string[];
}

/**
 * Returns a copy of an ONNX model whose batch dimension is symbolic, so one run can embed N faces.
 * Exporters (PyTorch tracing in particular) freeze batch 1 into the graph's interface and into the
 * target shapes of Reshape; both are rewritten.
 */
export function makeBatchDynamic(bytes: Uint8Array, options: BatchDynamicOptions = {}): Uint8Array {
  const model = readModel(bytes, options.label);
  makeModelBatchDynamic(model, options);
  return writeModel(model);
}

/** In-place form of {@link makeBatchDynamic} for a model already read. */
export function makeModelBatchDynamic(model: Model, options: BatchDynamicOptions = {}): BatchDynamicReport {
  const dimName = options.dimName ?? 'N';
  const g = model.graph;
  if (!g) throw new SquintError('MODEL_INVALID', 'model has no graph');
  const report: BatchDynamicReport = { values: [], reshapes: [] };
  const initializers = new Set(g.initializer.map((t) => t.name));

  const relabel = (vi: P.IValueInfoProto, minRank: number) => {
    const dims = vi.type?.tensorType?.shape?.dim;
    if (!dims || dims.length < minRank) return;
    const first = dims[0];
    if (first.dimParam) return; // already symbolic
    if (first.dimValue === undefined || first.dimValue === null || Number(first.dimValue) !== 1) return;
    dims[0] = onnx.TensorShapeProto.Dimension.create({ dimParam: dimName });
    report.values.push(vi.name ?? '');
  };
  // Old-IR models list initializers among the inputs too; those are weights, not batch inputs.
  for (const vi of g.input) if (!initializers.has(vi.name)) relabel(vi, 1);
  for (const vi of g.output) relabel(vi, 1);
  // Rank-1 intermediates are usually shape vectors, not batched activations.
  for (const vi of g.valueInfo) relabel(vi, 2);

  for (const node of g.node) {
    if (node.opType === 'Reshape' && fixReshape(model, node)) report.reshapes.push(node.name || node.output[0]);
  }
  return report;
}

/** Rewrites a Reshape's constant target shape [1, ...] to [-1, ...] (or [0, ...] if -1 is taken). */
function fixReshape(model: Model, node: Node): boolean {
  const g = model.graph!;
  const shapeName = node.input[1];
  if (!shapeName) return false;
  const init = getInitializer(g, shapeName);
  const constant = init ? undefined : g.node.find((n) => n.opType === 'Constant' && n.output[0] === shapeName);
  const valueAttr = constant?.attribute.find((a) => a.name === 'value');
  const tensor: P.ITensorProto | undefined = init ?? valueAttr?.t ?? undefined;
  if (!tensor) return false; // computed at run time (Shape -> Gather -> Concat): already follows the batch
  const shape = tensorToNumbers(tensor);
  if (shape[0] !== 1) return false;
  const allowZero = node.attribute.some((a) => a.name === 'allowzero' && Number(a.i) === 1);
  const hasInferred = shape.includes(-1);
  if (hasInferred && allowZero) return false; // neither -1 nor "copy" (0) is available: leave it alone
  shape[0] = hasInferred ? 0 : -1;

  const fresh = makeTensor(shapeName, BigInt64Array.from(shape, BigInt), [shape.length]);
  const sharedWithOthers = consumersOf(g, shapeName).some((n) => n.opType !== 'Reshape');
  if (sharedWithOthers) {
    fresh.name = uniqueName(g, `${shapeName}_dynamic_batch`);
    setInitializer(g, fresh);
    node.input[1] = fresh.name;
  } else if (init) {
    setInitializer(g, fresh);
  } else if (valueAttr) {
    fresh.name = '';
    valueAttr.t = fresh;
  }
  return true;
}

function uniqueName(g: P.IGraphProto, base: string): string {
  const taken = new Set([...(g.initializer ?? []).map((t) => t.name), ...(g.node ?? []).flatMap((n) => n.output ?? [])]);
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}
