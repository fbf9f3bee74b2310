export * from './identification';
export * from './verification';
export * from './quality-breakdown';
export { createRandom, deriveSeed, type Random } from './random';
export * from './degradation';
export * from './results';
export { linePlot, histogramPlot, type PlotSeries, type PlotOptions, type HistogramOptions } from './svg-plot';
export { renderReportMarkdown, renderReportHtml } from './report';
export type { ImageKind, DatasetRole, ImageRef, DatasetItem, IdentificationDataset, VerificationPair, PairsDataset } from './datasets/dataset';
export { loadFolderDataset, folderGroups, type FolderDatasetOptions } from './datasets/folder-dataset';
export { splitByIdentity, type IdentitySplitOptions, type IdentitySplit } from './datasets/identity-split';
export { loadTinyFace, tinyFaceIdentity, DISTRACTOR_LABEL, type TinyFaceOptions } from './datasets/tinyface';
export { loadPairs, parsePairs, type PairsOptions } from './datasets/pairs';
export { loadManifest, parseCsv, type ManifestOptions } from './datasets/manifest';
export { parseDatasetSpec, resolveDataPath, loadDatasetSpec, type DatasetSpec, type DatasetType, type LoadedDataset, type LoadDatasetOptions } from './datasets/dataset-spec';
export { PROTOCOL_NAMES, planProtocols, parseDegradationTemplate, recipeAt, type ProtocolName, type IdentificationProtocolName, type ProtocolPlan, type DegradationTemplate } from './protocols';
export { mixedSizeRecipe, isMixedSizeRecipe, resolveRecipe, type ResolvedRecipe } from './mixed-size';
export {
  qualityMetrics, recognisabilityBins, estimatorLabel, DEFAULT_QUALITY_SIZE_RANGE, DEFAULT_REJECT_FRACTIONS, NATIVE_SIDE,
  type QualityProtocolOptions, type QualityEntry, type QualityEstimatorResult, type QualityFace, type QualityProbe, type QualityEstimatorInput, type RecognisabilityBin,
} from './quality-protocol';
export { runEvaluation, writeOutputs, embedFaces, DEFAULT_CACHE_DIR, RESULT_FILES, type EvalConfig, type EvalStrategy, type EvalProgress, type EvalRunSettings } from './runner';
export { alignForEval, EVAL_CROP_SIZE } from './aligned-crops';
export type { AlignedCrop, EmbeddedFace } from './cached-face';
export { packageVersions } from './package-versions';
