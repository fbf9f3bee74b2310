import { it } from 'vitest';
import { resize } from './resize';
import { createTemplateAligner } from './alignment';
import { ARCFACE_TEMPLATE_112 } from './template';
const img = (w: number, h: number) => ({ width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7919) & 255) });
function time(label: string, f: () => unknown, n = 300) {
  for (let i = 0; i < 50; i++) f();
  const t = performance.now(); for (let i = 0; i < n; i++) f();
  console.log(label, ((performance.now() - t) / n).toFixed(3), 'ms');
}
it('bench', () => {
  const a = img(250, 250), b = img(16, 16), c = img(112, 112), d = img(1000, 800);
  for (let rep = 0; rep < 2; rep++)
  for (const m of ['nearest', 'bilinear', 'bicubic', 'area'] as const) {
    time(`250->16 ${m}`, () => resize(a, 16, 16, m));
    time(`16->112 ${m}`, () => resize(b, 112, 112, m));
    time(`112->56 ${m}`, () => resize(c, 56, 56, m));
    time(`250->112 ${m}`, () => resize(a, 112, 112, m));
  }
  const al = createTemplateAligner();
  for (const s of [1, 2, 5, 1, 2, 5]) {
    const lm = ARCFACE_TEMPLATE_112.map(([x, y]) => [x * s + 100, y * s + 50] as [number, number]);
    time(`align scale ${s}`, () => al.align(d, [{ box: { x: 0, y: 0, width: 10, height: 10 }, score: 1, landmarks: lm }], 0), 50);
  }
});
