import { SquintError } from '@squint/core';
import type { onnx as P } from 'onnx-proto';
import { onnx, type Graph, type Model, type Node, type TensorProto } from './proto';
import { tensorToFloat32 } from './tensor';

/** Editing helpers take the model or its graph, whichever the caller holds. */
export type GraphLike = Model | Graph;

export function graphOf(m: GraphLike): Graph {
  if ('node' in m) return m;
  if (!m.graph) throw new SquintError('MODEL_INVALID', 'model has no graph');
  return m.graph as Graph;
}

export interface NodeQuery {
  opType?: string | readonly string[];
  name?: string | RegExp;
  /** Nodes that read this value. */
  input?: string;
  /** The node that writes this value. */
  output?: string;
}

export function findNodes(m: GraphLike, query: NodeQuery = {}): Node[] {
  const ops = typeof query.opType === 'string' ? [query.opType] : query.opType;
  return graphOf(m).node.filter((n) =>
    (!ops || ops.includes(n.opType)) &&
    (query.name === undefined || (typeof query.name === 'string' ? n.name === query.name : query.name.test(n.name))) &&
    (query.input === undefined || n.input.includes(query.input)) &&
    (query.output === undefined || n.output.includes(query.output)));
}

export function producerOf(m: GraphLike, value: string): Node | undefined {
  return graphOf(m).node.find((n) => n.output.includes(value));
}

export function consumersOf(m: GraphLike, value: string): Node[] {
  return graphOf(m).node.filter((n) => n.input.includes(value) || subgraphNames(n).has(value));
}

export function getInitializer(m: GraphLike, name: string): TensorProto | undefined {
  return graphOf(m).initializer.find((t) => t.name === name);
}

/** An initializer's elements as float32 (raw_data or float_data, little-endian), e.g. weights for LoRA. */
export function getInitializerData(m: GraphLike, name: string): Float32Array {
  const t = getInitializer(m, name);
  if (!t) throw new SquintError('WEIGHTS_INVALID', `the graph has no initializer "${name}"`, { input: name });
  return tensorToFloat32(t);
}

/** Adds the tensor as an initializer, replacing one of the same name. */
export function setInitializer(m: GraphLike, tensor: P.ITensorProto): void {
  const g = graphOf(m);
  const t = onnx.TensorProto.fromObject(tensor);
  const i = g.initializer.findIndex((x) => x.name === t.name);
  if (i >= 0) g.initializer[i] = t;
  else g.initializer.push(t);
}

export function removeInitializer(m: GraphLike, name: string): boolean {
  const g = graphOf(m);
  const before = g.initializer.length;
  g.initializer = g.initializer.filter((t) => t.name !== name);
  return g.initializer.length < before;
}

/**
 * Inserts a node where its inputs are ready: just after the last node producing one of them, so a
 * topologically sorted graph stays sorted. `after` places it later when the caller needs that.
 */
export function insertNode(m: GraphLike, node: P.INodeProto, options: { after?: Node | string } = {}): Node {
  const g = graphOf(m);
  const n = onnx.NodeProto.fromObject(node) as Node;
  let at = 0;
  g.node.forEach((existing, i) => {
    if (existing.output.some((o) => n.input.includes(o))) at = Math.max(at, i + 1);
  });
  if (options.after !== undefined) {
    const anchor = typeof options.after === 'string' ? g.node.findIndex((x) => x.name === options.after) : g.node.indexOf(options.after);
    if (anchor < 0) throw new SquintError('INVALID_ARGUMENT', `insertNode: no node ${typeof options.after === 'string' ? `"${options.after}"` : 'matching the given one'} in the graph`);
    at = Math.max(at, anchor + 1);
  }
  g.node.splice(at, 0, n);
  return n;
}

/**
 * Makes every reader of `from` read `to` instead (node inputs and graph outputs), except the nodes
 * listed: the usual step after inserting a node that post-processes `from`.
 */
export function replaceUses(m: GraphLike, from: string, to: string, options: { except?: readonly Node[] } = {}): void {
  const g = graphOf(m);
  const except = new Set(options.except ?? []);
  for (const n of g.node) {
    if (except.has(n)) continue;
    n.input = n.input.map((v) => (v === from ? to : v));
  }
  for (const o of g.output) if (o.name === from) o.name = to;
}

/**
 * Makes room to post-process a value in place: its producer now writes a fresh name (returned)
 * while every reader, graph outputs included, keeps the old one. Insert nodes that read the
 * returned name and end by writing `value` again (a LoRA branch: base + delta -> value).
 */
export function detachProducer(m: GraphLike, value: string): string {
  const g = graphOf(m);
  const producer = producerOf(g, value);
  if (!producer) throw new SquintError('INVALID_ARGUMENT', `no node produces "${value}" (it is a graph input or initializer)`);
  const taken = valueNames(g);
  let fresh = `${value}_pre`;
  for (let i = 1; taken.has(fresh); i++) fresh = `${value}_pre${i}`;
  producer.output = producer.output.map((o) => (o === value ? fresh : o));
  return fresh;
}

/** Renames a value everywhere it appears: node inputs/outputs, graph inputs/outputs, value_info, initializers. */
export function renameValue(m: GraphLike, from: string, to: string): void {
  const g = graphOf(m);
  if (from === to) return;
  if (valueNames(g).has(to)) throw new SquintError('INVALID_ARGUMENT', `cannot rename "${from}" to "${to}": that name is taken`);
  const swap = (v: string) => (v === from ? to : v);
  for (const n of g.node) {
    n.input = n.input.map(swap);
    n.output = n.output.map(swap);
  }
  for (const list of [g.input, g.output, g.valueInfo, g.initializer]) for (const x of list) x.name = swap(x.name);
}

/** Every value name the graph mentions. */
export function valueNames(m: GraphLike): Set<string> {
  const g = graphOf(m);
  const names = new Set<string>();
  for (const n of g.node) for (const v of [...n.input, ...n.output]) if (v) names.add(v);
  for (const list of [g.input, g.output, g.valueInfo, g.initializer]) for (const x of list) names.add(x.name);
  return names;
}

export interface DeadCodeReport {
  nodes: number;
  initializers: number;
}

/**
 * Removes nodes whose outputs nothing needs, then initializers and value_info nobody reads.
 * Graph inputs are the model's interface and stay, even when unused.
 */
export function removeUnused(m: GraphLike): DeadCodeReport {
  const g = graphOf(m);
  const needed = new Set(g.output.map((o) => o.name));
  const keep = new Set<Node>();
  for (let i = g.node.length - 1; i >= 0; i--) {
    const n = g.node[i];
    if (!n.output.some((o) => needed.has(o))) continue;
    keep.add(n);
    for (const v of n.input) if (v) needed.add(v);
    for (const v of subgraphNames(n)) needed.add(v);
  }
  // A second pass catches producers listed after their consumers in an unsorted graph.
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of g.node) {
      if (keep.has(n) || !n.output.some((o) => needed.has(o))) continue;
      keep.add(n);
      grew = true;
      for (const v of [...n.input, ...subgraphNames(n)]) if (v) needed.add(v);
    }
  }
  const nodesBefore = g.node.length;
  const initBefore = g.initializer.length;
  g.node = g.node.filter((n) => keep.has(n));
  g.initializer = g.initializer.filter((t) => needed.has(t.name));
  g.valueInfo = g.valueInfo.filter((v) => needed.has(v.name));
  return { nodes: nodesBefore - g.node.length, initializers: initBefore - g.initializer.length };
}

/** Names a node's subgraph attributes (If/Loop/Scan bodies) may read from the enclosing graph. */
function subgraphNames(n: P.INodeProto): Set<string> {
  const names = new Set<string>();
  const visit = (g: P.IGraphProto) => {
    for (const sub of g.node ?? []) {
      for (const v of sub.input ?? []) if (v) names.add(v);
      for (const s of subgraphNames(sub)) names.add(s);
    }
  };
  for (const a of n.attribute ?? []) {
    if (a.g) visit(a.g);
    for (const sg of a.graphs ?? []) visit(sg);
  }
  return names;
}

/** Values available before any node runs: graph inputs, initializers and the empty "omitted" name. */
function sources(g: Graph): Set<string> {
  return new Set(['', ...g.input.map((i) => i.name), ...g.initializer.map((t) => t.name)]);
}

/** True when every node's inputs are produced before it (the order ONNX requires). */
export function isTopologicallySorted(m: GraphLike): boolean {
  const g = graphOf(m);
  const ready = sources(g);
  for (const n of g.node) {
    if (!n.input.every((v) => ready.has(v))) return false;
    for (const o of n.output) ready.add(o);
  }
  return true;
}

/**
 * The nodes in an order where each comes after its inputs' producers, keeping the existing order
 * where it is already valid. Throws when a value is never produced or the nodes form a cycle.
 */
export function topologicalOrder(m: GraphLike): Node[] {
  const g = graphOf(m);
  const ready = sources(g);
  const pending = [...g.node];
  const sorted: Node[] = [];
  while (pending.length > 0) {
    const i = pending.findIndex((n) => n.input.every((v) => ready.has(v)));
    if (i < 0) {
      const n = pending[0];
      const missing = n.input.filter((v) => !ready.has(v));
      throw new SquintError('MODEL_INVALID', `node "${n.name || n.opType}" reads ${missing.map((v) => `"${v}"`).join(', ')}, which no graph input, initializer or node provides (or the nodes form a cycle)`);
    }
    const [n] = pending.splice(i, 1);
    sorted.push(n);
    for (const o of n.output) ready.add(o);
  }
  return sorted;
}

/** Reorders the graph's nodes topologically (see {@link topologicalOrder}). */
export function sortTopologically(m: GraphLike): void {
  graphOf(m).node = topologicalOrder(m);
}
