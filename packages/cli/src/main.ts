import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { isSquintError } from '@squint/core';
import { createContext } from './context';
import { demoHtml, demoTable } from './demo-report';
import { runDemo } from './demo';
import { enroll } from './enroll';
import { addEvalCommand } from './eval-command';
import { identify } from './identify';
import { verify } from './verify';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
};
const num = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
};

/**
 * Builds the `squint` program. Each action resolves to an exit code: 1 when some items failed
 * (the good ones were still processed), 0 otherwise; `onExit` receives it.
 */
export function buildProgram(out: (s: string) => void = (s) => process.stdout.write(s + '\n'), onExit: (code: number) => void = () => {}): Command {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const run = <A extends any[]>(fn: (...args: A) => Promise<number>) => async (...args: A) => onExit(await fn(...args));
  const program = new Command('squint')
    .description('Low-resolution face recognition: enrol faces, identify and verify them, even when they are 16 px tall.')
    .option('--pipeline <file>', 'pipeline JSON (strategy names + options); default: ultraface + landmark68 + mobilefacenet')
    .option('--threads <n>', 'onnxruntime intra-op threads', int)
    .option('--json', 'machine-readable output on stdout')
    .option('--crop-max-side <px>', 'images with no detected face and at most this many pixels on their longer side are treated as face crops', int, 160)
    .showHelpAfterError();
  const global = () => program.opts<{ pipeline?: string; threads?: number; json?: boolean; cropMaxSide: number }>();

  program.command('enroll')
    .description('enrol faces into a gallery: a folder of folders (one per identity), a folder of name.jpg files, or files')
    .argument('<paths...>', 'folders or image files')
    .requiredOption('-g, --gallery <file>', 'gallery file to create or extend (written atomically)')
    .option('--replace', 'start a new gallery even if the file exists')
    .action(run(async (paths: string[], opts: { gallery: string; replace?: boolean }) => {
      const g = global();
      const r = await enroll(await createContext(g), paths, { ...opts, cropFallbackMaxSide: g.cropMaxSide, progress: !g.json });
      if (g.json) out(JSON.stringify(r, null, 2));
      else {
        out(`enrolled ${r.enrolled.length} image(s); gallery ${r.gallery} now holds ${r.identities} identities, ${r.embeddings} embeddings`);
        for (const f of r.failed) out(`  failed: ${f.message} [${f.code}]`);
      }
      return r.failed.length ? 1 : 0;
    }));

  program.command('identify')
    .description('identify every face in the given images against a gallery')
    .argument('<images...>', 'image files')
    .requiredOption('-g, --gallery <file>', 'gallery file')
    .option('-k, --top <k>', 'matches per face', int, 5)
    .action(run(async (images: string[], opts: { gallery: string; top: number }) => {
      const g = global();
      const r = await identify(await createContext(g), images, { ...opts, cropFallbackMaxSide: g.cropMaxSide, progress: !g.json });
      if (g.json) out(JSON.stringify(r, null, 2));
      else {
        for (const res of r.results) {
          res.faces.forEach((f, i) => {
            const where = f.box ? ` at (${Math.round(f.box.x)},${Math.round(f.box.y)} ${Math.round(f.box.width)}x${Math.round(f.box.height)})` : ' (crop)';
            const top = f.accepted ? f.matches.map((m) => `${m.identity} ${m.score.toFixed(3)}`).join(', ') : 'rejected: quality below minQuality';
            out(`${res.file} face ${i + 1}${where}: ${top}`);
          });
        }
        for (const f of r.failed) out(`failed: ${f.message} [${f.code}]`);
      }
      return r.failed.length ? 1 : 0;
    }));

  program.command('verify')
    .description('are these two faces the same person?')
    .argument('<a>', 'first image')
    .argument('<b>', 'second image')
    .option('-t, --threshold <cosine>', 'decision threshold on cosine similarity', num)
    .action(run(async (a: string, b: string, opts: { threshold?: number }) => {
      const g = global();
      const r = await verify(await createContext(g), a, b, { ...opts, cropFallbackMaxSide: g.cropMaxSide });
      if (g.json) out(JSON.stringify(r, null, 2));
      else out(`${r.same ? 'same person' : 'different people'}: cosine ${r.score.toFixed(4)} (threshold ${r.threshold})`);
      return 0;
    }));

  program.command('demo')
    .description('enrol the faces of six group photos, then identify them again as the camera "moves away" (faces 64..16 px)')
    .option('-o, --out <dir>', 'where to write demo-report.html and demo-results.json', 'squint-demo')
    .option('--sizes <list>', 'face heights in px', (v) => v.split(',').map(int), [64, 32, 24, 16])
    .action(run(async (opts: { out: string; sizes: number[] }) => {
      const g = global();
      const r = await runDemo(await createContext(g), { distances: opts.sizes, progress: !g.json });
      await mkdir(opts.out, { recursive: true });
      const html = join(opts.out, 'demo-report.html');
      // Temporary file + rename: a crash never leaves half a report.
      await writeFileAtomic(html, await demoHtml(r));
      const summary = {
        photos: r.photos.length, enrolled: r.enrolled.length, seconds: +(r.totalMs / 1000).toFixed(1),
        distances: r.distances.map(({ probes, ...d }) => ({ ...d, ms: Math.round(d.ms), probes: probes.map(({ lrCrop, ...p }) => p) })),
      };
      await writeFileAtomic(join(opts.out, 'demo-results.json'), JSON.stringify(summary, null, 2));
      if (g.json) out(JSON.stringify(summary, null, 2));
      else {
        out(`Enrolled ${r.enrolled.length} faces from ${r.photos.length} photos at full resolution; identified again at each simulated distance:\n`);
        out(demoTable(r));
        out(`\n"given boxes": recognition alone, the LR face aligned with its known landmarks (no detection errors).`);
        out(`Report: ${html} (${(r.totalMs / 1000).toFixed(1)} s)`);
      }
      return 0;
    }));
  addEvalCommand(program, { out, onExit });
  return program;
}

/** Runs the CLI; returns the exit code. Typed Squint errors become one clear line (exit 2), not a stack. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram(undefined, (c) => (code = c));
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (isSquintError(e)) {
      process.stderr.write(`squint: ${e.message} [${e.code}]\n`);
      return 2;
    }
    throw e;
  }
  return code;
}
