// Copies the demo's group photos (MIT, from the npm package @vladmandic/face-api) into assets/demo,
// so that a published @squint/cli carries them and `squint demo` needs nothing but the install.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export async function prepareAssets(): Promise<void> {
  const out = resolve(import.meta.dirname, '..', 'assets', 'demo');
  let source: string;
  try {
    source = dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'));
  } catch {
    if (existsSync(join(out, 'sample1.jpg'))) return; // published package: assets already inside
    throw new Error('@vladmandic/face-api is not installed: run npm install at the repository root');
  }
  mkdirSync(out, { recursive: true });
  for (let i = 1; i <= 6; i++) {
    const from = join(source, 'demo', `sample${i}.jpg`);
    const to = join(out, `sample${i}.jpg`);
    if (!existsSync(to) || statSync(to).size !== statSync(from).size) copyFileSync(from, to);
  }
  const licence = readFileSync(join(source, 'LICENSE'), 'utf8');
  writeFileSync(join(out, 'LICENSE-face-api.txt'), `The sample photos in this folder come from the npm package @vladmandic/face-api (demo/sample1-6.jpg), under this licence:\n\n${licence}`);
}
