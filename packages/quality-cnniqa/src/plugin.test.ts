import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSquintError, Registry } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { randomCnnIqaWeights } from './cnniqa-weights';
import { qualityPlugin } from './plugin';
import { writeSafetensors } from './safetensors';

const runtime = createNodeRuntime({ threads: 1 });

describe('qualityPlugin', () => {
  const registry = new Registry().use(qualityPlugin);

  it('registers classical, stability and cnniqa', () => {
    expect(registry.names('quality')).toEqual(['classical', 'cnniqa', 'stability']);
  });

  it('creates working estimators from JSON specs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qplugin-'));
    const weights = join(dir, 'pyiqa.safetensors');
    await writeFile(weights, writeSafetensors(randomCnnIqaWeights('pyiqa', 2)));
    const face = { image: { width: 24, height: 24, data: new Uint8Array(24 * 24 * 3).map((_, i) => (i * 37) % 256) }, alignment: 'given' as const, sourceIndex: 0 };
    const classical = await registry.create('quality', 'classical', runtime);
    const cnniqa = await registry.create('quality', { name: 'cnniqa', options: { variant: 'pyiqa', weights, inputSize: 32, inputRange: '[-1,1]' } }, runtime);
    expect(cnniqa.name).toBe('cnniqa-pyiqa');
    const [c] = await classical.estimate([face]);
    const [n] = await cnniqa.estimate([face]);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThanOrEqual(1);
    expect(Number.isFinite(n)).toBe(true);
  });

  it('says what is missing in a spec', async () => {
    await expect(registry.create('quality', { name: 'cnniqa', options: { variant: 'kang' } }, runtime)).rejects.toThrow(/options\.weights/);
    await expect(registry.create('quality', { name: 'cnniqa', options: { variant: 'vgg', weights: 'x' } }, runtime)).rejects.toThrow(/'kang' or 'pyiqa'/);
    await expect(registry.create('quality', 'stability', runtime)).rejects.toThrow(/options\.backbone/);
    await expect(registry.create('quality', { name: 'stability', options: { backbone: 'no-such-backbone' } }, runtime)).rejects.toSatisfy((e: unknown) => isSquintError(e, 'UNKNOWN_STRATEGY'));
  });
});
