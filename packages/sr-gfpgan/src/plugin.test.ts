import { createImage, isSquintError, Registry } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareAssets } from '../scripts/prepare-assets';
import { srPlugin } from './plugin';

const runtime = createNodeRuntime({ threads: 1 });

describe('srPlugin', () => {
  beforeAll(async () => {
    await prepareAssets();
  });

  it('registers the SR preprocessors by name', () => {
    const registry = new Registry().use(srPlugin);
    expect(registry.names('preprocessor')).toEqual(['bicubic', 'esrgan', 'esrgan-medium', 'esrgan-slim', 'gfpgan', 'lanczos', 'onnx-sr']);
  });

  it('creates working preprocessors from JSON specs', async () => {
    const registry = new Registry().use(srPlugin);
    const face = { image: createImage(16, 16, new Uint8Array(768).fill(90)), alignment: 'given' as const, sourceIndex: 0 };
    const bicubic = await registry.create('preprocessor', { name: 'bicubic', options: { scale: 2 } }, runtime);
    expect((await bicubic.process([face]))[0].image.width).toBe(32);
    const medium = await registry.create('preprocessor', { name: 'esrgan-medium', options: { scale: 2 } }, runtime);
    expect(medium.name).toBe('esrgan-medium-x2');
    expect((await medium.process([face]))[0].image.width).toBe(32);
  });

  it('asks for the model file of bring-your-own models', async () => {
    const registry = new Registry().use(srPlugin);
    for (const name of ['gfpgan', 'onnx-sr']) {
      await expect(registry.create('preprocessor', name, runtime)).rejects.toSatisfy(
        (e: unknown) => isSquintError(e, 'INVALID_ARGUMENT') && (e as Error).message.includes(`"${name}" needs options.model`));
    }
  });
});
