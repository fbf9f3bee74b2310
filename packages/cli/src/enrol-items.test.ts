import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSquintError } from '@squint/core';
import { collectEnrolItems, identityFromFile } from './enrol-items';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** Creates empty files (the rules look at names only, never at pixels). */
function tree(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'squint-enrol-items-'));
  roots.push(root);
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), '');
  }
  return root;
}

const relative = (root: string, items: { file: string; identity: string }[]) =>
  items.map((i) => [i.file.slice(root.length + 1), i.identity]);

describe('identityFromFile', () => {
  it.each([
    ['Ann.jpg', 'Ann'],
    ['Ann_Lee_0002.jpg', 'Ann_Lee'],
    ['bob-3.png', 'bob'],
    ['/data/people/Carl_Jr.JPEG', 'Carl_Jr'],
    ['R2_D2.webp', 'R2_D2'], // the counter must be a suffix of digits, and only one is removed
    ['x_1_2.jpg', 'x_1'],
    ['2024.jpg', '2024'], // a bare number is a name, not a counter
  ])('%s -> %s', (file, identity) => {
    expect(identityFromFile(file)).toBe(identity);
  });
});

describe('collectEnrolItems', () => {
  it('reads a folder of identity folders, sorted, images only', () => {
    const root = tree(['Bea/2.jpg', 'Bea/1.PNG', 'Bea/notes.txt', 'Ann/a.jpeg', 'Ann/.DS_Store', 'Empty/readme.md']);
    expect(relative(root, collectEnrolItems([root]))).toEqual([
      ['Ann/a.jpeg', 'Ann'],
      ['Bea/1.PNG', 'Bea'],
      ['Bea/2.jpg', 'Bea'],
    ]);
  });

  it('reads a flat folder of name.jpg files, dropping the counters', () => {
    const root = tree(['Ann_Lee_0001.jpg', 'Ann_Lee_0002.jpg', 'Bob.png', 'list.csv']);
    expect(relative(root, collectEnrolItems([root]))).toEqual([
      ['Ann_Lee_0001.jpg', 'Ann_Lee'],
      ['Ann_Lee_0002.jpg', 'Ann_Lee'],
      ['Bob.png', 'Bob'],
    ]);
  });

  it('takes files named directly, even non-images, so that they are reported rather than skipped', () => {
    const root = tree(['Zoe_0001.jpg', 'notes.txt']);
    expect(relative(root, collectEnrolItems([join(root, 'Zoe_0001.jpg'), join(root, 'notes.txt')]))).toEqual([
      ['Zoe_0001.jpg', 'Zoe'],
      ['notes.txt', 'notes'],
    ]);
  });

  it('mixes folders and files in the order given', () => {
    const root = tree(['people/Ann/1.jpg', 'extra/Cy.jpg']);
    expect(relative(root, collectEnrolItems([join(root, 'extra/Cy.jpg'), join(root, 'people')]))).toEqual([
      ['extra/Cy.jpg', 'Cy'],
      ['people/Ann/1.jpg', 'Ann'],
    ]);
  });

  it('names a path that does not exist', () => {
    const missing = join(tmpdir(), 'squint-no-such-folder-8c1f');
    let error: unknown;
    try {
      collectEnrolItems([missing]);
    } catch (e) {
      error = e;
    }
    expect(isSquintError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toBe(`${missing}: no such file or folder`);
  });

  it('returns nothing for a folder without images (enroll then says so)', () => {
    expect(collectEnrolItems([tree(['a.txt', 'b.md'])])).toEqual([]);
  });
});

describe('mixed folders', () => {
  it('enrols loose images next to identity folders by their file names', () => {
    const root = tree(['Ann/a.jpg', 'Bob_0001.jpg', '._Bob_0001.jpg', '.hidden/x.jpg']);
    const items = collectEnrolItems([root]);
    expect(items.map((i) => i.identity).sort()).toEqual(['Ann', 'Bob']);
  });
});
