import type { SquintPlugin } from '@squint/core';
import { createEmbeddingBackbone, type EmbeddingBackboneOptions } from './embedding-backbone';
import { createLandmarker68, type Landmarker68Options } from './landmark68';
import { createUltraFaceDetector, type UltraFaceDetectorOptions } from './ultraface-detector';

/**
 * Registers the default strategies under the names JSON pipelines use:
 * detector `ultraface`, landmarker `landmark68`, backbone `mobilefacenet` (the default embedding).
 * Options in the pipeline JSON are passed through to the factories.
 */
export const defaultModels: SquintPlugin = {
  name: '@squint/models',
  register(registry) {
    registry.register('detector', 'ultraface', (options, { runtime }) => createUltraFaceDetector(runtime, options as UltraFaceDetectorOptions));
    registry.register('landmarker', 'landmark68', (options, { runtime }) => createLandmarker68(runtime, options as Landmarker68Options));
    registry.register('backbone', 'mobilefacenet', (options, { runtime }) => createEmbeddingBackbone(runtime, options as EmbeddingBackboneOptions));
  },
};
