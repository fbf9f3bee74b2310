import {
  SquintError, checkModelInputs, resize,
  type DetectedFace, type Detector, type InferenceRuntime, type ModelSource, type RgbImage,
} from '@squint/core';
import { runBatched } from './batched-run';
import { FR_DETECT, type DetectorDescriptor } from './descriptors';
import { planPyramid, type PyramidLevel, type PyramidOptions, type PyramidPlan, type Tile } from './detection-pyramid';
import { writeInput } from './input-tensor';
import { nonMaxSuppression } from './nms';

export interface UltraFaceDetectorOptions {
  /** Minimum P(face). Default 0.7 (the original uses 0.65; 0.7 drops a few pyramid false positives). */
  scoreThreshold?: number;
  /** IoU above which the weaker of two boxes is dropped. Default 0.4. */
  nmsThreshold?: number;
  /** Smallest face, detection-box height in source pixels, to find. Default 16. */
  minFaceSize?: number;
  /** Run the image pyramid of overlapping tiles (default true); false = one whole-image pass. */
  pyramid?: boolean;
  /** Most model inputs per image; beyond it the minimum face size grows. Default 128. */
  maxTiles?: number;
  /** Tiles per inference run. Default 16. */
  maxBatch?: number;
  /** Another file of the same family (same input and outputs). Default: the packaged fr_detect. */
  model?: ModelSource;
  descriptor?: DetectorDescriptor;
  /** onnxruntime threads for this session. */
  threads?: number;
}

export interface UltraFaceDetector extends Detector {
  /** The tiles this detector runs for an image of the given size. */
  plan(width: number, height: number): PyramidPlan;
}

/** A box edge closer than this (model px) to a tile seam may be a face cut by the seam. */
const SEAM_MARGIN = 2;
/** Boxes smaller than this fraction of minFaceSize are mostly texture, not faces. */
const MIN_FACE_FRACTION = 0.5;
/** A box mostly inside a better one is a part of that face (an eye, a half face at a seam). */
const CONTAINMENT = 0.75;

/**
 * The faceplugin UltraFace RFB-320 detector over an image pyramid.
 *
 * The model sees 320x240 pixels and its smallest prior is 10 px, so a 16 px face in a 1920 px photo
 * is under 3 px at a single whole-image pass: invisible. The image is therefore fed as the whole
 * image *letterboxed* (aspect kept, mean-gray padding; the original stretches, which squashes faces in
 * portrait images) plus, for small faces, overlapping 320x240 tiles of upscaled-enough copies
 * (see planPyramid). All tiles of all images go through the model in batches. Detections that
 * touch a tile seam are dropped (the face continues in a neighbouring tile or is whole at a
 * coarser level); the rest are merged across tiles and scales by NMS.
 *
 * Boxes are the model's own (roughly forehead to chin, taller than wide), in source pixel-edge
 * coordinates, not clipped to the image. No landmarks: pair with createLandmarker68.
 */
export async function createUltraFaceDetector(runtime: InferenceRuntime, options: UltraFaceDetectorOptions = {}): Promise<UltraFaceDetector> {
  const d = options.descriptor ?? FR_DETECT;
  const scoreThreshold = options.scoreThreshold ?? 0.7;
  const nmsThreshold = options.nmsThreshold ?? 0.4;
  const minFaceSize = options.minFaceSize ?? 16;
  const pyramid = options.pyramid ?? true;
  const maxTiles = options.maxTiles ?? 128;
  const maxBatch = options.maxBatch ?? 16;
  for (const [name, v, lo, hi] of [['scoreThreshold', scoreThreshold, 0, 1], ['nmsThreshold', nmsThreshold, 0, 1]] as const) {
    if (!(v >= lo && v <= hi)) throw new SquintError('INVALID_ARGUMENT', `${name} must be in [${lo}, ${hi}], got ${v}`);
  }
  if (!(minFaceSize >= 4)) throw new SquintError('INVALID_ARGUMENT', `minFaceSize must be >= 4 pixels, got ${minFaceSize}`);
  if (!(Number.isInteger(maxTiles) && maxTiles >= 1)) throw new SquintError('INVALID_ARGUMENT', `maxTiles must be a positive integer, got ${maxTiles}`);
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new SquintError('INVALID_ARGUMENT', `maxBatch must be a positive integer, got ${maxBatch}`);

  const session = await runtime.createSession(options.model ?? d.url, { label: d.id, threads: options.threads });
  const { width: iw, height: ih } = d.input;
  checkModelInputs(session, [{ name: d.input.name, dims: [null, 3, ih, iw] }]);
  for (const name of [d.outputs.scores, d.outputs.boxes]) {
    if (!session.outputNames.includes(name)) {
      throw new SquintError('MODEL_SHAPE', `model has no output "${name}" (outputs: ${session.outputNames.join(', ')}); it is not an UltraFace-style detector`, { input: session.label });
    }
  }

  const pyramidOptions: PyramidOptions = {
    inputWidth: iw,
    inputHeight: ih,
    minFaceSize,
    targetFaceSize: 16,
    levelStep: 2,
    overlap: 48,
    maxTiles: pyramid ? maxTiles : 1,
  };
  const plan = (width: number, height: number) => planPyramid(width, height, pyramidOptions);

  return {
    name: 'ultraface',
    plan,
    async detect(images: readonly RgbImage[]): Promise<DetectedFace[][]> {
      const jobs = images.flatMap((image, imageIndex) => {
        if (!(image.width >= 1 && image.height >= 1)) return []; // an empty image has no faces
        const p = plan(image.width, image.height);
        return p.tiles.map((tile) => ({ image, imageIndex, tile, level: p.levels[tile.level] }));
      });
      const found: DetectedFace[][] = images.map(() => []);
      // Jobs come grouped by image and level, so one resized copy is alive at a time.
      let cached: { image: RgbImage; level: PyramidLevel; pixels: RgbImage } | undefined;
      const levelImage = (image: RgbImage, level: PyramidLevel) => {
        if (cached?.image !== image || cached.level !== level) cached = { image, level, pixels: resizeTo(image, level) };
        return cached.pixels;
      };
      await runBatched(runtime, session, d.input, jobs.length, maxBatch,
        (target, slot, item) => {
          const { image, tile, level } = jobs[item];
          writeInput(target, slot, levelImage(image, level), d.input, tile);
        },
        (outputs, slot, item) => {
          const { image, imageIndex, tile, level } = jobs[item];
          const scores = outputs[d.outputs.scores], boxes = outputs[d.outputs.boxes];
          found[imageIndex].push(...decode(scores.data as Float32Array, boxes.data as Float32Array, boxes.dims[1], slot, tile, level, image));
        });
      cached = undefined;
      return found.map((faces) => nonMaxSuppression(faces, nmsThreshold, CONTAINMENT));
    },
  };

  function decode(scores: Float32Array, boxes: Float32Array, priors: number, slot: number, tile: Tile, level: PyramidLevel, image: RgbImage): DetectedFace[] {
    const out: DetectedFace[] = [];
    const minHeight = minFaceSize * MIN_FACE_FRACTION;
    // A tiled level is trusted only with the small faces it exists for; bigger ones are found,
    // uncut, at coarser levels, and an upscaled tile shows texture that the model reads as faces.
    const maxModelHeight = level.whole ? Infinity : pyramidOptions.overlap;
    const sx = level.width / image.width, sy = level.height / image.height;
    const { cut } = tile;
    for (let i = 0; i < priors; i++) {
      const k = slot * priors + i;
      const score = scores[k * 2 + d.faceScoreIndex];
      if (!(score >= scoreThreshold)) continue;
      const x1 = boxes[k * 4] * iw, y1 = boxes[k * 4 + 1] * ih, x2 = boxes[k * 4 + 2] * iw, y2 = boxes[k * 4 + 3] * ih;
      if (!(x2 > x1 && y2 > y1) || y2 - y1 > maxModelHeight) continue;
      if ((cut.left && x1 < SEAM_MARGIN) || (cut.top && y1 < SEAM_MARGIN) || (cut.right && x2 > iw - SEAM_MARGIN) || (cut.bottom && y2 > ih - SEAM_MARGIN)) continue;
      const box = { x: (x1 + tile.x) / sx, y: (y1 + tile.y) / sy, width: (x2 - x1) / sx, height: (y2 - y1) / sy };
      if (box.height < minHeight) continue;
      // A box centred in the letterbox padding describes nothing in the image.
      const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
      if (cx < 0 || cy < 0 || cx > image.width || cy > image.height) continue;
      out.push({ box, score });
    }
    return out;
  }
}

/** Box-averaging when shrinking keeps small faces from aliasing away; bilinear when enlarging. */
function resizeTo(image: RgbImage, level: PyramidLevel): RgbImage {
  if (level.width === image.width && level.height === image.height) return image;
  return resize(image, level.width, level.height, level.scale < 1 ? 'area' : 'bilinear');
}
