import type { Aligner } from './aligner';
import type { Backbone } from './backbone';
import type { Detector } from './detector';
import { SquintError, type ItemResult } from './errors';
import { cropTemplateTransform } from './alignment';
import type { AlignedFace, DetectedFace } from './face';
import type { Box, Point } from './geometry';
import type { RgbImage } from './image';
import type { Landmarker } from './landmarker';
import type { Match, Matcher } from './matcher';
import type { Preprocessor } from './preprocessor';
import type { QualityEstimator } from './quality-estimator';
import { resize } from './resize';
import { plausibleLandmarks } from './landmark-check';
import { applyAffine, invertAffine } from './similarity';
import { ARCFACE_TEMPLATE_112 } from './template';

export interface PipelineStages {
  detector?: Detector;
  landmarker?: Landmarker;
  aligner: Aligner;
  preprocessors?: Preprocessor[];
  quality?: QualityEstimator;
  backbone: Backbone;
}

export interface PipelineOptions {
  /** Faces whose quality is below this are embedded but marked `accepted: false` and never identified. */
  minQuality?: number;
  /** Faces per backbone call (memory bound). Default 32. */
  batchSize?: number;
  /**
   * Face crops smaller than this (shorter side, px) are upscaled to it before landmarking: the
   * landmark model cannot see a 16 px face. Default 64.
   */
  cropLandmarkSize?: number;
  /**
   * Detections whose box is shorter than this (px) are small faces, landmarked as crops are: on a
   * bicubic copy of their surroundings upscaled so the box is `cropLandmarkSize` tall, kept only
   * when plausible (else the face is aligned by the box rule, method `crop-template`), and pulled
   * `smallFacePrior` of the way toward where the box rule puts the five points. Default 24; 0 turns
   * it off. Measured on LFW and the demo photos by packages/models/scripts/small-face-alignment.ts:
   * below ~24 px this beats landmarks taken on the box as it is; at 24 px it made no difference and
   * at 32 px it cost a little.
   */
  smallFaceSize?: number;
  /**
   * For small faces (see smallFaceSize): weight, in [0, 1], of the box rule's five points
   * (CROP_TEMPLATE_RULE, fitted on UltraFace boxes) against the landmarks. Landmarks of a 16 px face
   * are noisy, and shrinking them toward the box prior measured better than either alone. Default
   * 0.25; use 0 with a detector whose boxes the rule was not fitted on.
   */
  smallFacePrior?: number;
  /** Called after each stage with its wall time, for benchmarks and progress. */
  onStage?: (stage: PipelineStage, ms: number, items: number) => void;
}

export type PipelineStage = 'detect' | 'landmark' | 'align' | 'preprocess' | 'quality' | 'embed';

/** One face through the whole pipeline. */
export interface FaceEmbedding {
  face: AlignedFace;
  embedding: Float32Array;
  /** Quality from the pipeline's estimator (absent when the pipeline has none). */
  quality?: number;
  /** False when quality < minQuality: the face must not be matched. */
  accepted: boolean;
}

export interface Identification extends FaceEmbedding {
  /** Top-k gallery identities; empty when the face was not accepted. */
  matches: Match[];
}

/** Defaults of PipelineOptions.smallFaceSize / smallFacePrior (see small-face-alignment.ts in @squint/models). */
export const DEFAULT_SMALL_FACE_SIZE = 24;
export const DEFAULT_SMALL_FACE_PRIOR = 0.25;

/** A whole-pixel region of an image (inside it). */
function cropPixels(image: RgbImage, x0: number, y0: number, w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) data.set(image.data.subarray(((y0 + y) * image.width + x0) * 3, ((y0 + y) * image.width + x0 + w) * 3), y * w * 3);
  return { width: w, height: h, data };
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * detect -> (landmark) -> align -> preprocess* -> quality -> backbone(quality) -> embedding.
 * Three entry points for three kinds of input: whole images (faces are detected), face crops
 * (the low-resolution case: tracker crops, TinyFace), and faces that are already aligned.
 * Every stage runs on the whole batch at once.
 */
export class Pipeline {
  readonly stages: Readonly<PipelineStages>;
  readonly options: Readonly<PipelineOptions>;

  constructor(stages: PipelineStages, options: PipelineOptions = {}) {
    if (!stages.backbone) throw new SquintError('INVALID_ARGUMENT', 'a pipeline needs a backbone');
    if (!stages.aligner) throw new SquintError('INVALID_ARGUMENT', 'a pipeline needs an aligner');
    const { smallFaceSize = 0, smallFacePrior = 0 } = options;
    if (!(smallFaceSize >= 0)) throw new SquintError('INVALID_ARGUMENT', `smallFaceSize must be >= 0 pixels (0 = off), got ${smallFaceSize}`);
    if (!(smallFacePrior >= 0 && smallFacePrior <= 1)) throw new SquintError('INVALID_ARGUMENT', `smallFacePrior must be in [0, 1], got ${smallFacePrior}`);
    this.stages = { preprocessors: [], ...stages };
    this.options = options;
  }

  get modelId(): string {
    return this.stages.backbone.modelId;
  }

  get dim(): number {
    return this.stages.backbone.dim;
  }

  private async timed<T>(stage: PipelineStage, items: number, fn: () => Promise<T> | T): Promise<T> {
    const t0 = now();
    const out = await fn();
    this.options.onStage?.(stage, now() - t0, items);
    return out;
  }

  /**
   * Detects and aligns every face in each image (one list per image, possibly empty).
   * With `cropFallbackMaxSide`, an image in which nothing is detected and whose longer side is at
   * most that many pixels is taken to be a face crop (tracker crops, TinyFace) and aligned by
   * alignCrops() instead; a larger image with no detection keeps an empty list.
   */
  async detectAndAlign(images: readonly RgbImage[], options: { cropFallbackMaxSide?: number } = {}): Promise<AlignedFace[][]> {
    const { detector, landmarker, aligner } = this.stages;
    if (!detector) {
      throw new SquintError('INVALID_ARGUMENT', 'this pipeline has no detector: use embedCrops() for face crops or embedAligned() for aligned faces');
    }
    const detected = await this.timed('detect', images.length, () => detector.detect(images));
    const withLandmarks: DetectedFace[][] = [];
    for (let i = 0; i < images.length; i++) {
      const faces = detected[i];
      const missing = faces.filter((f) => !f.landmarks);
      if (landmarker && missing.length > 0) {
        const points = await this.timed('landmark', missing.length, () => this.locateDetected(landmarker, images[i], missing.map((f) => f.box)));
        let j = 0;
        withLandmarks.push(faces.map((f) => (f.landmarks ? f : { ...f, landmarks: points[j++] })));
      } else {
        withLandmarks.push(faces);
      }
    }
    const aligned = await this.timed('align', images.length, () => withLandmarks.map((faces, i) => aligner.align(images[i], faces, i)));
    const maxSide = options.cropFallbackMaxSide ?? 0;
    const asCrops = aligned.flatMap((faces, i) => (faces.length === 0 && Math.max(images[i].width, images[i].height) <= maxSide ? [i] : []));
    if (asCrops.length > 0) {
      const crops = await this.alignCrops(asCrops.map((i) => images[i]));
      asCrops.forEach((i, j) => (aligned[i] = [{ ...crops[j], sourceIndex: i }]));
    }
    return aligned;
  }

  /**
   * Five points for each detection box of one image: one landmarker call for the faces of at least
   * smallFaceSize, and one per small face on an upscaled copy of its surroundings. `undefined`
   * (small face, implausible points) leaves the face to the aligner's box rule.
   */
  private async locateDetected(landmarker: Landmarker, image: RgbImage, boxes: readonly Box[]): Promise<(Point[] | undefined)[]> {
    const limit = this.options.smallFaceSize ?? DEFAULT_SMALL_FACE_SIZE;
    const small = boxes.map((b) => b.height < limit);
    const large = boxes.filter((_, i) => !small[i]);
    const largePoints = large.length > 0 ? await landmarker.locate(image, large) : [];
    let j = 0;
    return Promise.all(boxes.map((b, i) => (small[i] ? this.locateSmallFace(landmarker, image, b) : largePoints[j++])));
  }

  private async locateSmallFace(landmarker: Landmarker, image: RgbImage, box: Box): Promise<Point[] | undefined> {
    if (!(box.width > 0 && box.height > 0) || !Number.isFinite(box.x + box.y + box.width + box.height)) return undefined;
    const target = this.options.cropLandmarkSize ?? 64;
    const s = Math.max(1, target / box.height);
    // The landmarker squares the box to its height: a region twice the box keeps that square inside.
    const side = 2 * Math.max(box.width, box.height);
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    const x0 = Math.max(0, Math.floor(cx - side / 2)), y0 = Math.max(0, Math.floor(cy - side / 2));
    const x1 = Math.min(image.width, Math.ceil(cx + side / 2)), y1 = Math.min(image.height, Math.ceil(cy + side / 2));
    if (x1 <= x0 || y1 <= y0) return undefined;
    const region = cropPixels(image, x0, y0, x1 - x0, y1 - y0);
    const big = s > 1 ? resize(region, Math.round(region.width * s), Math.round(region.height * s), 'bicubic') : region;
    const sx = big.width / region.width, sy = big.height / region.height;
    const [found] = await landmarker.locate(big, [{ x: (box.x - x0) * sx, y: (box.y - y0) * sy, width: box.width * sx, height: box.height * sy }]);
    if (!found || found.length !== 5) return undefined;
    // Back to source pixels (pixel-centre convention: c_small = (c_big + 0.5) / s - 0.5).
    const pts = found.map(([x, y]) => [(x + 0.5) / sx - 0.5 + x0, (y + 0.5) / sy - 0.5 + y0] as Point);
    if (!plausibleLandmarks(pts.map(([x, y]) => [x - box.x, y - box.y] as Point), box.width, box.height)) return undefined;
    const w = this.options.smallFacePrior ?? DEFAULT_SMALL_FACE_PRIOR;
    if (w === 0) return pts;
    const toBox = invertAffine(cropTemplateTransform(box));
    return pts.map(([x, y], k) => {
      const [rx, ry] = applyAffine(toBox, ARCFACE_TEMPLATE_112[k] as Point);
      return [(1 - w) * x + w * rx, (1 - w) * y + w * ry] as Point;
    });
  }

  /**
   * Aligns images that are face crops. Landmarks are sought on an upscaled copy (crops of 16 px
   * are too small for the landmark model); when they are missing or implausible the crop is
   * mapped to the template by the aligner's crop rule. `AlignedFace.alignment` says which.
   */
  async alignCrops(crops: readonly RgbImage[]): Promise<AlignedFace[]> {
    const { landmarker, aligner } = this.stages;
    let points: (Point[] | undefined)[] = crops.map(() => undefined);
    if (landmarker) {
      const target = this.options.cropLandmarkSize ?? 64;
      points = await this.timed('landmark', crops.length, () => Promise.all(crops.map(async (crop) => {
        const scale = Math.max(1, target / Math.min(crop.width, crop.height));
        const big = scale > 1 ? resize(crop, Math.round(crop.width * scale), Math.round(crop.height * scale), 'bicubic') : crop;
        const [found] = await landmarker.locate(big, [{ x: 0, y: 0, width: big.width, height: big.height }]);
        if (!found) return undefined;
        // Back to crop pixels (pixel-centre convention: c_small = (c_big + 0.5) / s - 0.5).
        const sx = big.width / crop.width;
        const sy = big.height / crop.height;
        const pts = found.map(([x, y]) => [(x + 0.5) / sx - 0.5, (y + 0.5) / sy - 0.5] as Point);
        return plausibleLandmarks(pts, crop.width, crop.height) ? pts : undefined;
      })));
    }
    return this.timed('align', crops.length, () => crops.map((crop, i) => aligner.alignCrop(crop, points[i], i)));
  }

  /** Preprocess -> quality -> embed for faces that are already aligned. */
  async embedAligned(faces: readonly AlignedFace[]): Promise<FaceEmbedding[]> {
    const batch = this.options.batchSize ?? 32;
    const out: FaceEmbedding[] = [];
    for (let start = 0; start < faces.length; start += batch) {
      out.push(...(await this.embedChunk(faces.slice(start, start + batch))));
    }
    return out;
  }

  private async embedChunk(input: readonly AlignedFace[]): Promise<FaceEmbedding[]> {
    const { preprocessors = [], quality, backbone } = this.stages;
    let faces = input as AlignedFace[];
    for (const p of preprocessors) {
      const before = faces.length;
      faces = await this.timed('preprocess', before, () => p.process(faces));
      if (faces.length !== before) {
        throw new SquintError('INVALID_ARGUMENT', `preprocessor "${p.name}" returned ${faces.length} faces for ${before}`);
      }
    }
    const q = quality ? await this.timed('quality', faces.length, () => quality.estimate(faces)) : undefined;
    const embeddings = await this.timed('embed', faces.length, () => backbone.embed(faces, q));
    const min = this.options.minQuality;
    return faces.map((face, i) => ({
      face,
      embedding: embeddings[i],
      quality: q?.[i],
      accepted: min === undefined || q === undefined || q[i] >= min,
    }));
  }

  /** Every face in every image: detect, align, embed. One list per image. */
  async embedImages(images: readonly RgbImage[], options: { cropFallbackMaxSide?: number } = {}): Promise<FaceEmbedding[][]> {
    const aligned = await this.detectAndAlign(images, options);
    const flat = await this.embedAligned(aligned.flat());
    const out: FaceEmbedding[][] = aligned.map(() => []);
    for (const f of flat) out[f.face.sourceIndex].push(f);
    return out;
  }

  /** One embedding per face crop (no detection). */
  async embedCrops(crops: readonly RgbImage[]): Promise<FaceEmbedding[]> {
    return this.embedAligned(await this.alignCrops(crops));
  }

  /**
   * The single best face of each image, for enrolment and verification: the highest-scoring
   * detection (or the crop itself, see detectAndAlign's `cropFallbackMaxSide`). An image with no
   * usable face is an error item (NO_FACE) that names it, not a silent gap.
   */
  async embedBestFace(images: readonly RgbImage[], options: { labels?: readonly string[]; cropFallbackMaxSide?: number } = {}): Promise<ItemResult<FaceEmbedding>[]> {
    const aligned = await this.detectAndAlign(images, options);
    const picks = aligned.flatMap((faces) => {
      const best = faces.reduce<AlignedFace | undefined>((b, f) => (!b || (f.detectionScore ?? 0) > (b.detectionScore ?? 0) ? f : b), undefined);
      return best ? [best] : [];
    });
    const embedded = await this.embedAligned(picks);
    const byIndex = new Map(embedded.map((e) => [e.face.sourceIndex, e]));
    return images.map((_, i) => {
      const e = byIndex.get(i);
      return e ? { ok: true as const, value: e } : { ok: false as const, error: new SquintError('NO_FACE', 'no face detected', { input: options.labels?.[i] ?? `image ${i}` }) };
    });
  }

  /** Top-k identities for every face in each image; faces below minQuality get no matches. */
  async identifyImages(images: readonly RgbImage[], matcher: Matcher, k = 5, options: { cropFallbackMaxSide?: number } = {}): Promise<Identification[][]> {
    this.checkMatcher(matcher);
    const embedded = await this.embedImages(images, options);
    return embedded.map((faces) => faces.map((f) => ({ ...f, matches: f.accepted ? matcher.search(f.embedding, k) : [] })));
  }

  /** Top-k identities for each face crop. */
  async identifyCrops(crops: readonly RgbImage[], matcher: Matcher, k = 5): Promise<Identification[]> {
    this.checkMatcher(matcher);
    const embedded = await this.embedCrops(crops);
    return embedded.map((f) => ({ ...f, matches: f.accepted ? matcher.search(f.embedding, k) : [] }));
  }

  private checkMatcher(matcher: Matcher): void {
    if (matcher.modelId !== this.modelId || matcher.dim !== this.dim) {
      throw new SquintError('GALLERY_MODEL', `gallery was made with model "${matcher.modelId}" (${matcher.dim}-d) but this pipeline uses "${this.modelId}" (${this.dim}-d); re-enrol the gallery with this model`);
    }
  }
}

export function createPipeline(stages: PipelineStages, options?: PipelineOptions): Pipeline {
  return new Pipeline(stages, options);
}
