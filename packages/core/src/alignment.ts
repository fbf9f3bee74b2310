import type { Aligner } from './aligner';
import { SquintError } from './errors';
import type { AlignedFace, AlignmentMethod, DetectedFace } from './face';
import type { Affine, Box, Point } from './geometry';
import type { RgbImage } from './image';
import { affineScale, composeAffine, scaleAffine, similarityTransform } from './similarity';
import { ARCFACE_TEMPLATE_112, scaleTemplate } from './template';
import { warpAffine } from './warp';

/**
 * The fixed map from a face box to template coordinates, used when there are no landmarks:
 * the box centre goes to the output centre shifted by (ox, oy) (in 112-template pixels), and the
 * box side L = (width + height) / 2 becomes 112 * k pixels. The output centre is (size - 1) / 2
 * (55.5 for 112) in pixel-centre coordinates, so with k = 1, ox = oy = 0 a square crop maps exactly
 * onto the output.
 *
 * Fitted, not guessed: `packages/models/scripts/fit-crop-rule.ts` compares box-only alignment with
 * landmark alignment for the default detector (UltraFace) on the 22 faces of the demo photos and
 * their mirror images (44 faces): mean k = 0.855 (sd 0.068), ox = 0.4 (sd 10.4, head turn),
 * oy = 5.7 (sd 3.6). With these, box-only alignment lands the five points 11.8 px (112-px space)
 * from the template on average, against 14.5 px for the naive k = 1, ox = oy = 0. UltraFace boxes
 * are taller than the face, so the face sits a little above the box centre (oy > 0 moves it down).
 * Crops from other detectors differ; pass `cropRule` to the aligner to use your own fit.
 */
export const CROP_TEMPLATE_RULE: Readonly<CropTemplateRule> = Object.freeze({ k: 0.855, ox: 0.4, oy: 5.7 });

export interface CropTemplateRule {
  /** Output pixels per box pixel, relative to size / L. */
  k: number;
  /** Offset of the box centre from the output centre, in 112-template pixels. */
  ox: number;
  oy: number;
}

export interface TemplateAlignerOptions {
  /** Output side for a face at least this big in the source. Default 112. */
  size?: number;
  /** Five points in the coordinates of a size x size output. Default: ArcFace, scaled to `size`. */
  template?: readonly Point[];
  /**
   * Keep small faces at their own resolution: a face that would need upsampling gets a smaller
   * output (template scaled down) instead of a blurry `size` upsample. Default true.
   */
  nativeResolution?: boolean;
  /** With nativeResolution: the largest upsampling still accepted before shrinking the output. Default 1. */
  maxNativeUpscale?: number;
  /** Border for parts of the crop outside the source. Default 'constant' (black), as in ArcFace training crops. */
  border?: 'replicate' | 'constant';
  /** Box-to-template rule for faces without landmarks. Default CROP_TEMPLATE_RULE. */
  cropRule?: CropTemplateRule;
}

/** Smallest native output side: below this there is too little left for any backbone. */
const MIN_NATIVE_SIDE = 8;

/**
 * Source -> size x size template map for a box: the crop-to-template rule. Boxes span pixel edges
 * (a W x H crop is the box {0, 0, W, H}); its centre in pixel-centre coordinates is x + w/2 - 0.5.
 */
export function cropTemplateTransform(box: Box, size = 112, rule: CropTemplateRule = CROP_TEMPLATE_RULE): Affine {
  const { x, y, width, height } = box;
  if (!(width > 0 && height > 0) || !Number.isFinite(x + y + width + height)) {
    throw new SquintError('INVALID_ARGUMENT', `face box {x: ${x}, y: ${y}, width: ${width}, height: ${height}} must be finite with positive size`);
  }
  const s = (size * rule.k) / ((width + height) / 2);
  const cx = x + width / 2 - 0.5, cy = y + height / 2 - 0.5;
  const tx = (size - 1) / 2 + (rule.ox * size) / 112, ty = (size - 1) / 2 + (rule.oy * size) / 112;
  return [s, 0, tx - s * cx, 0, s, ty - s * cy];
}

export function createTemplateAligner(options: TemplateAlignerOptions = {}): Aligner {
  const size = options.size ?? 112;
  if (!Number.isInteger(size) || size < MIN_NATIVE_SIDE) {
    throw new SquintError('INVALID_ARGUMENT', `aligner size must be an integer >= ${MIN_NATIVE_SIDE}, got ${size}`);
  }
  const template = options.template ? options.template.map((p) => [p[0], p[1]] as Point) : scaleTemplate(ARCFACE_TEMPLATE_112, size, 112);
  const native = options.nativeResolution ?? true;
  const maxUpscale = options.maxNativeUpscale ?? 1;
  if (!(maxUpscale > 0)) throw new SquintError('INVALID_ARGUMENT', `maxNativeUpscale must be > 0, got ${maxUpscale}`);
  const rule = options.cropRule ?? CROP_TEMPLATE_RULE;
  const border = options.border ?? 'constant';

  /** Output side and source -> output map for a source -> full-size-template map. */
  function fit(full: Affine): { side: number; transform: Affine } {
    const s = affineScale(full);
    if (!native || s <= maxUpscale) return { side: size, transform: full };
    const side = Math.min(size, Math.max(MIN_NATIVE_SIDE, Math.round((size * maxUpscale) / s)));
    return { side, transform: composeAffine(full, scaleAffine(size, side)) };
  }

  function toTemplate(landmarks: readonly Point[] | undefined, box: Box): { full: Affine; byLandmarks: boolean } {
    if (landmarks && landmarks.length > 0) {
      if (landmarks.length !== template.length) {
        throw new SquintError('INVALID_ARGUMENT', `face has ${landmarks.length} landmarks but the template has ${template.length}; reduce them to the five-point layout (eyes, nose, mouth corners)`);
      }
      try {
        return { full: similarityTransform(landmarks, template), byLandmarks: true };
      } catch {
        // Degenerate or non-finite landmarks carry no pose: the box still does.
      }
    }
    return { full: cropTemplateTransform(box, size, rule), byLandmarks: false };
  }

  function warp(image: RgbImage, full: Affine, method: AlignmentMethod, sourceIndex: number): AlignedFace {
    const { side, transform } = fit(full);
    return { image: warpAffine(image, transform, side, side, { border }), alignment: method, transform, sourceIndex };
  }

  return {
    name: 'template',
    align(image, faces, sourceIndex) {
      return faces.map((face: DetectedFace) => {
        const { full, byLandmarks } = toTemplate(face.landmarks, face.box);
        const aligned = warp(image, full, byLandmarks ? 'landmarks' : 'crop-template', sourceIndex);
        aligned.box = face.box;
        aligned.detectionScore = face.score;
        if (face.landmarks) aligned.landmarks = face.landmarks;
        return aligned;
      });
    },
    alignCrop(crop, landmarks, sourceIndex) {
      const { full, byLandmarks } = toTemplate(landmarks, { x: 0, y: 0, width: crop.width, height: crop.height });
      const aligned = warp(crop, full, byLandmarks ? 'crop-landmarks' : 'crop-template', sourceIndex);
      if (landmarks) aligned.landmarks = landmarks;
      return aligned;
    },
  };
}

/** Wraps a face the caller already aligned (e.g. a dataset of ArcFace crops). */
export function alignGiven(image: RgbImage, sourceIndex: number): AlignedFace {
  return { image, alignment: 'given', sourceIndex };
}
