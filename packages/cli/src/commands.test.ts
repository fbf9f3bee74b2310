import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGallery, DEFAULT_VERIFY_THRESHOLD, isSquintError } from '@squint/core';
import { loadGallery, saveGallery } from '@squint/node';
import { CommanderError, type Command } from 'commander';
import type { EnrollReport } from './enroll';
import type { IdentifyReport } from './identify';
import { buildProgram } from './main';
import type { VerifyReport } from './verify';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const sample = (n: number) => require.resolve(`@vladmandic/face-api/demo/sample${n}.jpg`);

/**
 * Four people from the face-api demo photos. Boxes (x, y, width, height in the 1920 px photo) are
 * what the default detector reported once; each person becomes a square crop around the box so
 * the enrolment images are small (~140 px) and each costs a fraction of a second to detect.
 */
const PEOPLE = {
  ann: { photo: 1, box: [411, 357, 189, 239] },
  ben: { photo: 1, box: [828, 425, 204, 231] },
  cat: { photo: 1, box: [1460, 215, 235, 219] },
  dan: { photo: 2, box: [1443, 168, 203, 222] },
} as const;
type Person = keyof typeof PEOPLE;

/** A square crop around a person's face with `margin` (fraction of the box) on each side. */
function faceCrop(person: Person, side: number, margin: number, mirror = false) {
  const { photo, box: [x, y, w, h] } = PEOPLE[person];
  const size = Math.round(Math.max(w, h) * (1 + 2 * margin));
  const img = sharp(sample(photo))
    .extract({ left: Math.round(x + w / 2 - size / 2), top: Math.round(y + h / 2 - size / 2), width: size, height: size })
    .resize(side, side);
  return (mirror ? img.flop() : img).jpeg({ quality: 90 });
}

let root: string;
let people: string; // folder of identity folders: ann/1.jpg ann/2.jpg ben/... cat/1.jpg dan/1.jpg
let mixed: string; // two good identities plus four bad files
let heldOut: string; // ben, never enrolled as such: wider framing, 72 px (face ~30 px tall)
let galleryPath: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'squint-cli-'));
  people = join(root, 'people');
  for (const person of Object.keys(PEOPLE) as Person[]) {
    mkdirSync(join(people, person), { recursive: true });
    await faceCrop(person, 140, 0.35).toFile(join(people, person, '1.jpg'));
    // A second picture for two of them: mirrored and smaller, so an identity holds two embeddings.
    if (person === 'ann' || person === 'ben') await faceCrop(person, 120, 0.35, true).toFile(join(people, person, '2.jpg'));
  }
  heldOut = join(root, 'ben-far.jpg');
  await faceCrop('ben', 72, 0.5).toFile(heldOut);

  mixed = join(root, 'mixed');
  for (const d of ['ann', 'dan', 'eve', 'grey']) mkdirSync(join(mixed, d), { recursive: true });
  writeFileSync(join(mixed, 'ann', '1.jpg'), readFileSync(join(people, 'ann', '1.jpg')));
  writeFileSync(join(mixed, 'dan', '1.jpg'), readFileSync(join(people, 'dan', '1.jpg')));
  writeFileSync(join(mixed, 'eve', 'empty.jpg'), Buffer.alloc(0));
  const good = readFileSync(join(people, 'cat', '1.jpg'));
  writeFileSync(join(mixed, 'eve', 'truncated.jpg'), good.subarray(0, Math.floor(good.length * 0.6)));
  writeFileSync(join(mixed, 'eve', 'notes.jpg'), 'these are not the pixels you are looking for\n');
  // Larger than --crop-max-side, so "no detection" cannot be read as "this is a face crop".
  await sharp({ create: { width: 400, height: 400, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .jpeg().toFile(join(mixed, 'grey', 'flat.jpg'));

  galleryPath = join(root, 'people.squint');
}, 60_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The program in-process: collected stdout lines and the exit code its action reported. */
async function run(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  let code = -1;
  await buildProgram((s) => out.push(s), (c) => (code = c)).parseAsync(['node', 'squint', ...args]);
  return { code, out };
}

/** The real `squint` process, for what only a process shows: exit codes and stderr. */
function spawnSquint(args: string[]) {
  const r = spawnSync(process.execPath, ['--conditions=@squint/source', '--import', 'tsx', 'packages/cli/src/bin.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('squint enroll / identify / verify', () => {
  it('enrolls a folder of identity folders into a new gallery file', async () => {
    const { code, out } = await run(['--json', 'enroll', people, '--gallery', galleryPath]);
    expect(code).toBe(0);
    const report = JSON.parse(out.join('\n')) as EnrollReport;
    expect(report.failed).toEqual([]);
    expect(report.identities).toBe(4);
    expect(report.embeddings).toBe(6);
    expect(report.enrolled.map((e) => e.identity).sort()).toEqual(['ann', 'ann', 'ben', 'ben', 'cat', 'dan']);
    // 140 px crops of ~60 px faces: found by the detector, not taken as crops.
    for (const e of report.enrolled) expect(e.alignment).toBe('landmarks');
    const gallery = await loadGallery(galleryPath);
    expect(gallery.identities().sort()).toEqual(['ann', 'ben', 'cat', 'dan']);
    expect(gallery.embeddingsOf('ann')).toHaveLength(2);
    // The atomic writer leaves nothing but the gallery next to it.
    expect(readdirSync(root).filter((f) => f.startsWith('people.squint'))).toEqual(['people.squint']);
  });

  it('identifies a held-out picture of an enrolled person (text and --json)', async () => {
    const json = await run(['--json', 'identify', heldOut, '--gallery', galleryPath, '--top', '3']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out.join('\n')) as IdentifyReport;
    expect(report.failed).toEqual([]);
    expect(report.results).toHaveLength(1);
    const [face] = report.results[0].faces;
    expect(report.results[0].faces).toHaveLength(1);
    expect(face.matches).toHaveLength(3);
    expect(face.matches[0].identity).toBe('ben');
    // A clear winner, not a coin toss between two strangers.
    expect(face.matches[0].score - face.matches[1].score).toBeGreaterThan(0.15);

    const text = await run(['identify', heldOut, '--gallery', galleryPath, '--top', '1']);
    expect(text.code).toBe(0);
    expect(text.out).toHaveLength(1);
    expect(text.out[0]).toMatch(/^.*ben-far\.jpg face 1 at \(\d+,\d+ \d+x\d+\): ben 0\.\d{3}$/);
  });

  it('verifies the same person as same and two people as different', async () => {
    const same = await run(['--json', 'verify', join(people, 'ann', '1.jpg'), join(people, 'ann', '2.jpg')]);
    const sameReport = JSON.parse(same.out.join('\n')) as VerifyReport;
    expect(same.code).toBe(0);
    expect(sameReport.same).toBe(true);
    expect(sameReport.score).toBeGreaterThan(0.6);
    expect(sameReport.threshold).toBe(DEFAULT_VERIFY_THRESHOLD);

    const different = await run(['verify', join(people, 'ann', '1.jpg'), join(people, 'ben', '1.jpg')]);
    expect(different.code).toBe(0);
    expect(different.out[0]).toMatch(/^different people: cosine -?0\.\d{4} \(threshold [\d.]+\)$/);
    expect(different.out[0]).toContain(`(threshold ${DEFAULT_VERIFY_THRESHOLD})`);
  });

  it('enrols the good files of a folder with bad ones, reports each bad one, and exits 1', () => {
    const gallery = join(root, 'mixed.squint');
    const r = spawnSquint(['--json', 'enroll', mixed, '--gallery', gallery]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as EnrollReport;
    expect(report.enrolled.map((e) => e.identity)).toEqual(['ann', 'dan']);
    expect(report.identities).toBe(2);
    const failed = Object.fromEntries(report.failed.map((f) => [f.file.slice(mixed.length + 1), f]));
    expect(Object.keys(failed).sort()).toEqual(['eve/empty.jpg', 'eve/notes.jpg', 'eve/truncated.jpg', 'grey/flat.jpg']);
    expect(failed['eve/empty.jpg']).toMatchObject({ code: 'IMAGE_DECODE', message: expect.stringMatching(/empty \(0 bytes\)/) });
    expect(failed['eve/notes.jpg']).toMatchObject({ code: 'IMAGE_DECODE', message: expect.stringMatching(/not an image file/) });
    expect(failed['eve/truncated.jpg']).toMatchObject({ code: 'IMAGE_DECODE', message: expect.stringMatching(/corrupt or truncated/) });
    expect(failed['grey/flat.jpg']).toMatchObject({ code: 'NO_FACE' });
    // Every message names its file.
    for (const [file, f] of Object.entries(failed)) expect(f.message).toContain(file);
    expect(existsSync(gallery)).toBe(true);
  });

  it('never creates or overwrites a gallery when no image could be enrolled', async () => {
    const bad = join(root, 'all-bad');
    mkdirSync(join(bad, 'eve'), { recursive: true });
    writeFileSync(join(bad, 'eve', 'empty.jpg'), Buffer.alloc(0));
    writeFileSync(join(bad, 'eve', 'notes.jpg'), 'not an image');

    const fresh = join(root, 'fresh.squint');
    const first = await run(['enroll', bad, '--gallery', fresh]);
    expect(first.code).toBe(1);
    expect(first.out[0]).toMatch(/^enrolled 0 image\(s\)/);
    expect(first.out.filter((l) => l.includes('[IMAGE_DECODE]'))).toHaveLength(2);
    expect(existsSync(fresh)).toBe(false);

    // An existing gallery, even with --replace, keeps its bytes when the run enrols nothing.
    const before = readFileSync(galleryPath);
    const mtime = statSync(galleryPath).mtimeMs;
    const second = await run(['enroll', bad, '--gallery', galleryPath, '--replace']);
    expect(second.code).toBe(1);
    expect(readFileSync(galleryPath).equals(before)).toBe(true);
    expect(statSync(galleryPath).mtimeMs).toBe(mtime);
    expect(readdirSync(root).filter((f) => f.startsWith('people.squint') || f.startsWith('fresh.squint'))).toEqual(['people.squint']);
  });

  it('refuses a gallery made by another model with a clear GALLERY_MODEL error (exit 2)', async () => {
    const foreign = join(root, 'foreign.squint');
    const other = createGallery({ modelId: 'someone-else/arcface-r100@1', dim: 512 });
    other.add('zed', new Float32Array(512).fill(1));
    await saveGallery(other, foreign);

    const inProcess = await run(['identify', heldOut, '--gallery', foreign]).catch((e) => e);
    expect(isSquintError(inProcess, 'GALLERY_MODEL')).toBe(true);

    const r = spawnSquint(['identify', heldOut, '--gallery', foreign]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    // One line naming the file and both models, and no stack trace.
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^squint: .*foreign\.squint: .*someone-else\/arcface-r100@1.*\[GALLERY_MODEL\]$/m);

    // Extending it is refused the same way, and the foreign file is left alone.
    const before = readFileSync(foreign);
    const extend = await run(['enroll', join(people, 'cat'), '--gallery', foreign]).catch((e) => e);
    expect(isSquintError(extend, 'GALLERY_MODEL')).toBe(true);
    expect(readFileSync(foreign).equals(before)).toBe(true);
  });

  it('names a missing gallery file (GALLERY_FORMAT)', async () => {
    const e = await run(['identify', heldOut, '--gallery', join(root, 'nope.squint')]).catch((err) => err);
    expect(isSquintError(e, 'GALLERY_FORMAT')).toBe(true);
    expect(e.message).toMatch(/nope\.squint: gallery file not found/);
  });
});

describe('squint --help', () => {
  /** Help output without leaving the process: commander exits unless told otherwise, per command. */
  async function help(args: string[]): Promise<string> {
    const program = buildProgram(() => {}, () => {});
    let text = '';
    const quiet = (c: Command) => {
      c.exitOverride().configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
      c.commands.forEach(quiet);
    };
    quiet(program);
    const e = await program.parseAsync(['node', 'squint', ...args]).catch((err) => err);
    expect(e).toBeInstanceOf(CommanderError);
    expect((e as CommanderError).exitCode).toBe(0);
    return text;
  }

  it.each([
    [[], /^Usage: squint \[options\] \[command\]/, ['enroll', 'identify', 'verify', 'demo', '--json', '--crop-max-side']],
    [['enroll'], /^Usage: squint enroll \[options\] <paths\.\.\.>/, ['--gallery', '--replace']],
    [['identify'], /^Usage: squint identify \[options\] <images\.\.\.>/, ['--gallery', '--top']],
    [['verify'], /^Usage: squint verify \[options\] <a> <b>/, ['--threshold']],
    [['demo'], /^Usage: squint demo \[options\]/, ['--out', '--sizes']],
  ])('squint %j --help', async (command, usage, mentions) => {
    const text = await help([...command, '--help']);
    expect(text).toMatch(usage);
    for (const m of mentions) expect(text).toContain(m);
  });

  it('the squint process prints help and exits 0', () => {
    const r = spawnSquint(['verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: squint verify/);
  });

  it('a missing required option is a usage error, not a crash', () => {
    const r = spawnSquint(['identify', 'x.jpg']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/required option '-g, --gallery <file>' not specified/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
