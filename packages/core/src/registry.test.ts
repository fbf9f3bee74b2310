import { describe, expect, it } from 'vitest';
import { createTemplateAligner } from './alignment';
import { isSquintError } from './errors';
import { createPipelineFromSpec } from './pipeline-spec';
import { Registry, type SquintPlugin } from './registry';
import type { InferenceRuntime } from './runtime';

// Resolving names never touches the runtime, so an empty object is enough here.
const runtime = {} as InferenceRuntime;

const alignPlugin: SquintPlugin = {
  name: 'test-aligners',
  register: (r) => r.register('aligner', 'template', (o) => createTemplateAligner({ size: (o.size as number) ?? 112 })),
};

describe('Registry', () => {
  it('creates a registered strategy with its options', async () => {
    const registry = new Registry().use(alignPlugin);
    expect(registry.has('aligner', 'template')).toBe(true);
    expect(registry.names('aligner')).toEqual(['template']);
    const aligner = await registry.create('aligner', { name: 'template', options: { size: 56 } }, runtime);
    const face = aligner.alignCrop({ width: 56, height: 56, data: new Uint8Array(56 * 56 * 3) }, undefined, 0);
    expect(face.image.width).toBeLessThanOrEqual(56);
    expect(face.alignment).toBe('crop-template');
  });

  it('names the unknown strategy and lists the known ones', async () => {
    const registry = new Registry().use(alignPlugin);
    const err = await registry.create('aligner', 'affine', runtime).catch((e) => e);
    expect(isSquintError(err, 'UNKNOWN_STRATEGY')).toBe(true);
    expect(err.message).toContain('"affine"');
    expect(err.message).toContain('template');
    const none = await registry.create('backbone', 'arcface', runtime).catch((e) => e);
    expect(none.message).toContain('did you register the plugin');
  });
});

describe('createPipelineFromSpec', () => {
  it('refuses unknown keys and missing backbones with clear errors', async () => {
    const registry = new Registry();
    const unknownKey = await createPipelineFromSpec({ backbone: 'x', detecter: 'y' } as never, { runtime, registry }).catch((e) => e);
    expect(isSquintError(unknownKey, 'INVALID_ARGUMENT')).toBe(true);
    expect(unknownKey.message).toContain('detecter');
    const noBackbone = await createPipelineFromSpec({} as never, { runtime, registry }).catch((e) => e);
    expect(noBackbone.message).toContain('backbone');
    const unknownBackbone = await createPipelineFromSpec({ backbone: 'nope' }, { runtime, registry }).catch((e) => e);
    expect(isSquintError(unknownBackbone, 'UNKNOWN_STRATEGY')).toBe(true);
  });
});
