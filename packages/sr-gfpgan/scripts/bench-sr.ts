// Speed of each SR option: ms per face at 12/16/24 px input, batches of equal-size faces.
// node --conditions=@squint/source --import tsx packages/sr-gfpgan/scripts/bench-sr.ts [--faces 32] [--threads 2]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resize, type AlignedFace, type Preprocessor } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { createResizeUpscaler, createEsrgan } from '../src/index';
import { prepareAssets } from './prepare-assets';

const { values: args } = parseArgs({ options: { faces: { type: 'string', default: '32' }, threads: { type: 'string', default: '2' }, reps: { type: 'string', default: '5' } } });
const FACES = Number(args.faces), THREADS = Number(args.threads), REPS = Number(args.reps);
const SIZES = [12, 16, 24];

await prepareAssets();
const runtime = createNodeRuntime({ threads: THREADS });
const photo = await runtime.loadImage(join(import.meta.dirname, '../../../node_modules/@vladmandic/face-api/demo/sample2.jpg'));
const options: [string, Preprocessor][] = [
  ['bicubic', createResizeUpscaler({ method: 'bicubic', scale: 10 })],
  ['lanczos', createResizeUpscaler({ method: 'lanczos', scale: 10 })],
  ['esrgan-slim-x4', await createEsrgan(runtime, { variant: 'slim', scale: 4 })],
  ['esrgan-medium-x4', await createEsrgan(runtime, { variant: 'medium', scale: 4 })],
  ['esrgan-slim-x2', await createEsrgan(runtime, { variant: 'slim', scale: 2 })],
  ['esrgan-medium-x2', await createEsrgan(runtime, { variant: 'medium', scale: 2 })],
];

function faces(size: number): AlignedFace[] {
  const small = resize(photo, 480, Math.round((480 * photo.height) / photo.width), 'area');
  return Array.from({ length: FACES }, (_, k) => {
    const x0 = (k * 37) % (small.width - 112), y0 = (k * 53) % (small.height - 112);
    const data = new Uint8Array(112 * 112 * 3);
    for (let y = 0; y < 112; y++) data.set(small.data.subarray(((y0 + y) * small.width + x0) * 3, ((y0 + y) * small.width + x0 + 112) * 3), y * 336);
    return { image: resize({ width: 112, height: 112, data }, size, size, 'bicubic'), alignment: 'given', sourceIndex: k };
  });
}

const loadBefore = loadavg()[0];
const rows: { option: string; size: number; msPerFaceMin: number; msPerFaceMedian: number; outputSide: number }[] = [];
for (const size of SIZES) {
  const batch = faces(size);
  for (const [name, pre] of options) {
    const [first] = await pre.process(batch); // warm-up (session initialisation, allocations)
    const times: number[] = [];
    for (let r = 0; r < REPS; r++) {
      const t0 = performance.now();
      await pre.process(batch);
      times.push((performance.now() - t0) / FACES);
    }
    times.sort((a, b) => a - b);
    rows.push({ option: name, size, msPerFaceMin: +times[0].toFixed(2), msPerFaceMedian: +times[Math.floor(REPS / 2)].toFixed(2), outputSide: first.image.width });
  }
}

// Other work on the machine inflates timings; the load average says how much to trust them.
const out = { command: process.argv.slice(1).join(' '), cpu: cpus()[0]?.model, cores: cpus().length, loadAverage1m: { before: loadBefore, after: loadavg()[0] }, threads: THREADS, facesPerBatch: FACES, reps: REPS, statistic: 'min and median over reps (min is the least disturbed by other load on the machine)', rows };
mkdirSync(join(import.meta.dirname, '..', 'results'), { recursive: true });
writeFileSync(join(import.meta.dirname, '..', 'results', 'bench-sr.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`ms per face, min / median of ${REPS} runs, batches of ${FACES}, ${THREADS} threads; 1-min load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)} on ${cpus().length} cores\n`);
console.log(`| option | ${SIZES.map((s) => `${s} px`).join(' | ')} |`);
console.log(`|---|${SIZES.map(() => '---:').join('|')}|`);
for (const [name] of options) {
  console.log(`| ${name} | ${SIZES.map((s) => { const r = rows.find((x) => x.option === name && x.size === s)!; return `${r.msPerFaceMin} / ${r.msPerFaceMedian} (-> ${r.outputSide})`; }).join(' | ')} |`);
}
