/**
 * What each default model expects and returns. Pre/post-processing facts live here, next to the
 * model file they describe, so a strategy never hides a magic number.
 *
 * The files come from the npm package faceplugin-face-recognition-js@0.0.1 (MIT, see
 * assets/LICENSE-faceplugin); `scripts/prepare-assets.ts` copies them into `assets/` at install
 * time. `new URL('../assets/…', import.meta.url)` resolves from both `src/` and `dist/`.
 */

export interface ModelLicense {
  /** SPDX identifier. */
  spdx: string;
  /** The notice file shipped next to the model, relative to the package root. */
  notice: string;
  /** Where the weights came from. */
  source: string;
}

/** Per-channel normalisation of 0..255 pixel values: (x - mean) / std. */
export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
}

export interface ModelInputFacts extends Normalization {
  name: string;
  width: number;
  height: number;
  layout: 'NCHW' | 'NHWC';
  /** Channel order fed to the model; `gray` is one channel of luma. */
  color: 'RGB' | 'BGR' | 'gray';
}

interface BaseDescriptor {
  /** Stable id: `<publisher>/<file>@<package version>`. Galleries record it. */
  id: string;
  url: URL;
  input: ModelInputFacts;
  license: ModelLicense;
}

export interface DetectorDescriptor extends BaseDescriptor {
  kind: 'detector';
  outputs: { scores: string; boxes: string };
  /** Column of `scores` holding P(face) (the graph already applies softmax). */
  faceScoreIndex: number;
  /**
   * The graph decodes its priors itself: `boxes` are corners (x1, y1, x2, y2) normalised to the
   * input size. The prior layout is recorded because it bounds the face sizes the model can see.
   */
  boxFormat: 'corners-normalized';
  priors: { minSizes: readonly (readonly number[])[]; steps: readonly number[]; variance: readonly number[] };
}

export interface LandmarkerDescriptor extends BaseDescriptor {
  kind: 'landmarker';
  output: string;
  points: 68;
  /**
   * Crop taken around a detection box: a square of side `box.height * cropScale` centred on the
   * box centre (fr_detect squares its boxes to their height before landmarking). The model
   * answers (x, y) pairs in [0, 1] of that square.
   */
  cropScale: number;
}

export interface EmbeddingDescriptor extends BaseDescriptor {
  kind: 'embedding';
  output: string;
  dim: number;
  /** The crop the model was trained on. */
  alignment: 'arcface-112';
}

export type ModelDescriptor = DetectorDescriptor | LandmarkerDescriptor | EmbeddingDescriptor;

const FACEPLUGIN_LICENSE: ModelLicense = Object.freeze({
  spdx: 'MIT',
  notice: 'assets/LICENSE-faceplugin',
  source: 'npm faceplugin-face-recognition-js@0.0.1 (github.com/Faceplugin-ltd/FaceRecognition-LivenessDetection-Javascript)',
});

/** (x - 127) / 128, the same for the three channels. */
const FACEPLUGIN_RGB: Normalization = { mean: [127, 127, 127], std: [128, 128, 128] };

/** UltraFace RFB-320 family face detector, 320x240 input. */
export const FR_DETECT: DetectorDescriptor = Object.freeze({
  kind: 'detector',
  id: 'faceplugin/fr_detect@0.0.1',
  url: new URL('../assets/fr_detect.onnx', import.meta.url),
  input: { name: 'input', width: 320, height: 240, layout: 'NCHW', color: 'RGB', ...FACEPLUGIN_RGB },
  outputs: { scores: 'scores', boxes: 'boxes' },
  faceScoreIndex: 1,
  boxFormat: 'corners-normalized',
  priors: {
    minSizes: [[10, 16, 24], [32, 48], [64, 96], [128, 192, 256]],
    steps: [8, 16, 32, 64],
    variance: [0.1, 0.2],
  },
  license: FACEPLUGIN_LICENSE,
}) as DetectorDescriptor;

/** 68-point landmarks on a 64x64 gray crop; pixels scaled by 1/256 (the original's choice). */
export const FR_LANDMARK: LandmarkerDescriptor = Object.freeze({
  kind: 'landmarker',
  id: 'faceplugin/fr_landmark@0.0.1',
  url: new URL('../assets/fr_landmark.onnx', import.meta.url),
  input: { name: 'input', width: 64, height: 64, layout: 'NCHW', color: 'gray', mean: [0], std: [256] },
  output: 'output',
  points: 68,
  cropScale: 1,
  license: FACEPLUGIN_LICENSE,
}) as LandmarkerDescriptor;

/** MobileFaceNet-like 512-d embedding on ArcFace-aligned 112x112 RGB crops. */
export const FR_FEATURE: EmbeddingDescriptor = Object.freeze({
  kind: 'embedding',
  id: 'faceplugin/fr_feature@0.0.1',
  url: new URL('../assets/fr_feature.onnx', import.meta.url),
  input: { name: 'input', width: 112, height: 112, layout: 'NCHW', color: 'RGB', ...FACEPLUGIN_RGB },
  output: 'output',
  dim: 512,
  alignment: 'arcface-112',
  license: FACEPLUGIN_LICENSE,
}) as EmbeddingDescriptor;

/** The default model of each role. */
export const modelDescriptors = Object.freeze({ detector: FR_DETECT, landmarker: FR_LANDMARK, embedding: FR_FEATURE });
