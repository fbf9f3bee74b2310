import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSquintError } from '@squint/core';
import { loadDatasetSpec, parseDatasetSpec } from './dataset-spec';

describe('parseDatasetSpec', () => {
  it('reads TYPE:PATH and looks relative paths up under SQUINT_DATA', () => {
    const data = mkdtempSync(join(tmpdir(), 'squint-data-'));
    mkdirSync(join(data, 'lfw-dev'));
    expect(parseDatasetSpec('tinyface:/data/tinyface', {})).toMatchObject({ type: 'tinyface', path: '/data/tinyface' });
    expect(parseDatasetSpec('lfw:lfw-dev', { SQUINT_DATA: data }).path).toBe(join(data, 'lfw-dev'));
    expect(parseDatasetSpec('manifest:C:x.csv', {}).type).toBe('manifest');
    for (const bad of ['lfw', 'imagenet:/x', '/plain/path']) {
      const e = (() => {
        try {
          parseDatasetSpec(bad, {});
        } catch (err) {
          return err;
        }
      })();
      expect(isSquintError(e, 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('loads each type, and says clearly when the dataset is missing', async () => {
    const d = mkdtempSync(join(tmpdir(), 'squint-spec-'));
    for (const [id, n] of [['a', 2], ['b', 1]] as const) {
      mkdirSync(join(d, id));
      for (let i = 1; i <= n; i++) writeFileSync(join(d, id, `${id}_${i}.jpg`), '');
    }
    writeFileSync(join(d, 'pairs.tsv'), 'a/a_1.jpg\ta/a_2.jpg\t1\na/a_1.jpg\tb/b_1.jpg\t0\n');
    const lfw = await loadDatasetSpec(`lfw:${d}`);
    expect(lfw.identification?.probes).toHaveLength(1);
    const pairs = await loadDatasetSpec(`pairs:${join(d, 'pairs.tsv')}`);
    expect(pairs.pairs?.pairs).toHaveLength(2);
    const missing = await loadDatasetSpec('lfw:/no/such/lfw-dev').catch((e) => e);
    expect(isSquintError(missing, 'DATASET')).toBe(true);
    expect(missing.message).toMatch(/dataset not found.*SQUINT_DATA/);
  });
});
