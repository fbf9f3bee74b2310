import type { Affine, Box, Point } from './geometry';
import type { RgbImage } from './image';

/** A face found by a Detector, in source-image pixels. */
export interface DetectedFace {
  box: Box;
  score: number;
  /** Five points: left eye, right eye, nose tip, left mouth corner, right mouth corner (image left/right). */
  landmarks?: Point[];
}

/**
 * How a face was brought to the template:
 * - `landmarks`: 5 points from detection/landmarking on the image itself (for a detection smaller
 *    than PipelineOptions.smallFaceSize: found on an upscaled copy of its surroundings and pulled
 *    a little toward the box rule's points, see smallFacePrior);
 * - `crop-landmarks`: the input was a face crop; landmarks were found on an upscaled copy;
 * - `crop-template`: no landmarks could be trusted, so the box was mapped to the template by the
 *    fixed crop-to-template rule (see alignment.ts): the box of a face crop (the whole crop), or the
 *    detection box of a face without landmarks (a small face whose points were implausible);
 * - `given`: the caller handed an already aligned face.
 */
export type AlignmentMethod = 'landmarks' | 'crop-landmarks' | 'crop-template' | 'given';

/**
 * A face aligned to the ArcFace 112x112 five-point template, kept at its *native* resolution:
 * a 16 px face becomes a 16x16 aligned image (template scaled by 16/112), not a blurry 112x112
 * upsample. Preprocessors (super-resolution) work on these pixels; the backbone resizes to its input.
 */
export interface AlignedFace {
  image: RgbImage;
  alignment: AlignmentMethod;
  /** Maps source-image pixels to aligned pixels (absent for `given`). */
  transform?: Affine;
  /** Index of the source image in the batch. */
  sourceIndex: number;
  /** Detection box and score in the source image, when there was a detection. */
  box?: Box;
  detectionScore?: number;
  landmarks?: Point[];
}
