import type { AlignedFace, DetectedFace } from './face';
import type { Point } from './geometry';
import type { RgbImage } from './image';

export interface Aligner {
  readonly name: string;
  /** Aligns each detected face of one image (faces without landmarks use the crop-template rule on their box). */
  align(image: RgbImage, faces: readonly DetectedFace[], sourceIndex: number): AlignedFace[];
  /**
   * Aligns a whole image that *is* a face crop: by `landmarks` when given (method `crop-landmarks`),
   * else by the crop-to-template rule (method `crop-template`).
   */
  alignCrop(crop: RgbImage, landmarks: Point[] | undefined, sourceIndex: number): AlignedFace;
}
