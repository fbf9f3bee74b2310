import type { Box, Point } from './geometry';
import type { RgbImage } from './image';

export interface Landmarker {
  readonly name: string;
  /** Five points (see DetectedFace.landmarks) for each box in the image, in image pixels. */
  locate(image: RgbImage, boxes: readonly Box[]): Promise<Point[][]>;
}
