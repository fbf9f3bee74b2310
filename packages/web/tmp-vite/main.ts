import { createWebRuntime } from '@squint/web';
async function go() {
  const runtime = await createWebRuntime({ executionProviders: ['wasm'], threads: 2 });
  const s = await runtime.createSession('/fr_feature.onnx');
  const out = await s.run({ input: runtime.tensor('float32', new Float32Array(3 * 112 * 112).fill(0.5), [1, 3, 112, 112]) });
  return { name: runtime.name, d: runtime.diagnostics(), first: (out.output.data as Float32Array)[0] };
}
(globalThis as any).go = go;
