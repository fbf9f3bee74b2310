import type { DetectedFace } from './face';
import type { RgbImage } from './image';

export interface Detector {
  readonly name: string;
  /** One list of faces per image, best first. An image with no face yields an empty list. */
  detect(images: readonly RgbImage[]): Promise<DetectedFace[][]>;
}
