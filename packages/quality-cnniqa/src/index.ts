export { createClassicalQuality, type ClassicalQualityOptions, type ClassicalQualityTerms } from './classical-quality';
export { createStabilityQuality, type Perturbation, type StabilityQualityOptions } from './stability-quality';
export { createCnnIqa, type CnnIqaEstimator, type CnnIqaOptions } from './cnniqa';
export { buildCnnIqaGraph, inputTransform, KANG_PATCH, type CnnIqaGraphOptions, type InputRange } from './cnniqa-graph';
export {
  cnnIqaWeightShapes, randomCnnIqaWeights, readCnnIqaWeights,
  CNNIQA_VARIANTS, CNNIQA_KERNELS, CNNIQA_KERNEL_SIZE, CNNIQA_HIDDEN, type CnnIqaVariant,
} from './cnniqa-weights';
export { readSafetensors, writeSafetensors, validateWeights, type SafetensorsFile, type WeightMap, type WeightTensor } from './safetensors';
export { readWeightSource, type WeightSource } from './weight-source';
export {
  petalAlpha, calibrateThreshold, thresholdToJson, thresholdFromJson,
  type PetalAlphaOptions, type CalibrateOptions, type QualityThreshold,
} from './petal-alpha';
export { qualityPlugin } from './plugin';
