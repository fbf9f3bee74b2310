import { it } from 'vitest';
import { resize } from '/work/main/packages/core/src/resize';
it('dbg', () => {
  const w0 = 64; const data = new Uint8Array(w0 * 8 * 3);
  for (let y = 0; y < 8; y++) for (let x = 0; x < w0; x++) data.fill(10 + 3 * x, (y * w0 + x) * 3, (y * w0 + x) * 3 + 3);
  for (const m of ['bilinear', 'bicubic'] as const) for (const w of [160, 32, 23]) {
    const out = resize({ width: w0, height: 8, data }, w, 8, m);
    const errs = [];
    for (let x = 0; x < w; x++) { const sx = (x + 0.5) * w0 / w - 0.5; errs.push((out.data[(3 * w + x) * 3] - (10 + 3 * sx)).toFixed(2)); }
    console.log(m, w, errs.join(' '));
  }
});
