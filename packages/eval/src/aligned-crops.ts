import {
  alignGiven, composeAffine, isSquintError, scaleAffine, SquintError, warpAffine,
  type AlignedFace, type ItemResult, type Pipeline, type RgbImage,
} from '@squint/core';
import type { AlignedCrop } from './cached-face';
import type { ImageKind } from './datasets/dataset';

/** The side of the HR crop every protocol starts from (REFERENCE.md section 1: the aligned 112 crop). */
export const EVAL_CROP_SIZE = 112;

/**
 * Brings each image to one aligned HR face, once, with the pipeline's own detector, landmarker and
 * aligner:
 * - photos: the best-scoring detection; with none, the whole photo goes through the crop rule
 *   (landmarks on the photo, else the crop-to-template map), and `alignment` says so;
 * - crops: the pipeline's crop mode;
 * - aligned: as given.
 * A face detected in a photo that the aligner kept below 112 px (native resolution) is re-warped to a full
 * 112 crop from the source with the same transform, so that every degradation starts from the same
 * template crop. A batch that throws is retried image by image, so one bad image costs only itself.
 */
export async function alignForEval(pipeline: Pipeline, kind: ImageKind, images: readonly RgbImage[]): Promise<ItemResult<AlignedCrop>[]> {
  try {
    return (await alignBatch(pipeline, kind, images)).map((value) => ({ ok: true as const, value }));
  } catch (e) {
    if (images.length === 1) return [{ ok: false, error: asSquintError(e) }];
  }
  const out: ItemResult<AlignedCrop>[] = [];
  for (const image of images) out.push(...(await alignForEval(pipeline, kind, [image])));
  return out;
}

async function alignBatch(pipeline: Pipeline, kind: ImageKind, images: readonly RgbImage[]): Promise<AlignedCrop[]> {
  if (kind === 'aligned') return images.map((image, i) => toCrop(alignGiven(image, i), image, false));
  // Crops stay at their native resolution: upsampling them is the pipeline's business (SR).
  if (kind === 'crops') return (await pipeline.alignCrops(images)).map((f, i) => toCrop(f, images[i], false));
  const found = await pipeline.detectAndAlign(images, { cropFallbackMaxSide: Infinity });
  return found.map((faces, i) => {
    const best = faces.reduce<AlignedFace | undefined>((b, f) => (!b || (f.detectionScore ?? -1) > (b.detectionScore ?? -1) ? f : b), undefined);
    if (!best) throw new SquintError('NO_FACE', 'no face could be aligned, not even by the crop rule');
    return toCrop(best, images[i], true);
  });
}

function toCrop(face: AlignedFace, source: RgbImage, fullSize: boolean): AlignedCrop {
  const faceWidth = face.box ? face.box.width : source.width;
  let image = face.image;
  if (fullSize && face.transform && image.width < EVAL_CROP_SIZE && image.width === image.height) {
    const full = composeAffine(face.transform, scaleAffine(image.width, EVAL_CROP_SIZE));
    image = warpAffine(source, full, EVAL_CROP_SIZE, EVAL_CROP_SIZE, { border: 'constant' });
  }
  return { image, alignment: face.alignment, faceWidth };
}

function asSquintError(e: unknown): SquintError {
  if (isSquintError(e)) return e;
  return new SquintError('INVALID_ARGUMENT', `alignment failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}
