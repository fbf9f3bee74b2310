import { createPipeline, createTemplateAligner, type InferenceRuntime, type Pipeline, type PipelineOptions, type SquintPlugin } from '@squint/core';
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

export interface DefaultPipelineOptions extends PipelineOptions {
  detector?: UltraFaceDetectorOptions;
  landmarker?: Landmarker68Options;
  backbone?: EmbeddingBackboneOptions;
}

/**
 * The default pipeline in one call: UltraFace detector (with the small-face pyramid), 68-point
 * landmarks reduced to 5, ArcFace-template alignment at native resolution, 512-d embedding.
 */
export async function createDefaultPipeline(runtime: InferenceRuntime, options: DefaultPipelineOptions = {}): Promise<Pipeline> {
  const { detector, landmarker, backbone, ...pipelineOptions } = options;
  return createPipeline({
    detector: await createUltraFaceDetector(runtime, detector),
    landmarker: await createLandmarker68(runtime, landmarker),
    aligner: createTemplateAligner(),
    backbone: await createEmbeddingBackbone(runtime, backbone),
  }, pipelineOptions);
}
