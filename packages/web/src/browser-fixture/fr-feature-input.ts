import type { RgbImage } from '@squint/core';

/**
 * faceplugin's fr_feature.onnx input: NCHW float32, RGB, (x - 127) / 128. Written once and used
 * by both the Node test and the browser page so that both feed the model the same tensor.
 */
export function frFeatureInput(img: RgbImage): Float32Array {
  const plane = img.width * img.height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (img.data[i * 3 + c] - 127) / 128;
  }
  return out;
}

export const FR_FEATURE_PATH = 'faceplugin-face-recognition-js/model/fr_feature.onnx';
