// Scaffolds packages/<name> with the house layout (package.json, tsup, vitest, tsconfig, README).
// Usage: node scripts/new-package.mjs <name> "<description>"
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
const [name, description = ''] = process.argv.slice(2);
const dir = `packages/${name}`;
if (existsSync(`${dir}/package.json`)) { console.error(`${dir} exists`); process.exit(1); }
mkdirSync(`${dir}/src`, { recursive: true });
const pkg = {
  name: `@squint/${name}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  exports: {
    '.': {
      '@squint/source': './src/index.ts',
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.cts',
  files: ['dist', 'src', '!src/**/*.test.ts', 'README.md'],
  scripts: {
    build: 'tsup',
    'lint:package': 'publint --strict && attw --pack --profile node16',
  },
  repository: { type: 'git', url: 'git+https://example.invalid/squint.git', directory: dir },
  dependencies: {},
};
writeFileSync(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(`${dir}/tsup.config.ts`, `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  shims: true,
  target: 'node20',
});
`);
writeFileSync(`${dir}/vitest.config.ts`, `import { squintProject } from '../../vitest.shared';

export default squintProject('${name}');
`);
writeFileSync(`${dir}/tsconfig.json`, JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src'] }, null, 2) + '\n');
if (!existsSync(`${dir}/src/index.ts`)) writeFileSync(`${dir}/src/index.ts`, `export {};\n`);
writeFileSync(`${dir}/README.md`, `# @squint/${name}\n\n${description}\n`);
console.log(`created ${dir}`);
