import { describe, expect, it } from 'vitest';
import { Registry, createImage } from '@squint/core';
import { createNodeRuntime } from '@squint/node';
import { defaultModels } from './plugin';

describe('defaultModels', () => {
  it('registers the default detector, landmarker and backbone under their JSON names', async () => {
    const registry = new Registry().use(defaultModels);
    expect(registry.names('detector')).toEqual(['ultraface']);
    expect(registry.names('landmarker')).toEqual(['landmark68']);
    expect(registry.names('backbone')).toEqual(['mobilefacenet']);

    const runtime = createNodeRuntime();
    const detector = await registry.create('detector', { name: 'ultraface', options: { pyramid: false } }, runtime);
    const backbone = await registry.create('backbone', 'mobilefacenet', runtime);
    const landmarker = await registry.create('landmarker', 'landmark68', runtime);
    expect([detector.name, landmarker.name, backbone.name]).toEqual(['ultraface', 'landmark68', 'mobilefacenet']);
    // Options reach the factory: pyramid off means a single whole-image tile.
    expect((detector as unknown as { plan(w: number, h: number): { tiles: unknown[] } }).plan(4000, 3000).tiles).toHaveLength(1);
    expect(await detector.detect([createImage(64, 64)])).toEqual([[]]);
  });
});
