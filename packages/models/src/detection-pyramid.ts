import { SquintError } from '@squint/core';

export interface PyramidOptions {
  /** Model input size. */
  inputWidth: number;
  inputHeight: number;
  /** Smallest face (detection box height, source pixels) the pyramid must bring into range. */
  minFaceSize: number;
  /**
   * Box height, in model pixels, that a `minFaceSize` face is scaled to. The RFB-320 model's
   * smallest prior is 10 px; measured on the face-api sample photos, recall at score >= 0.7 is
   * ~68% for 10 px boxes, ~95% from 14-16 px and ~100% from 24 px.
   */
  targetFaceSize: number;
  /** Scale ratio between neighbouring pyramid levels. */
  levelStep: number;
  /** Overlap of neighbouring tiles, model pixels: faces up to this size lie wholly inside some tile. */
  overlap: number;
  /** Upper bound on tiles per image; past it the finest level is coarsened (the minimum face grows). */
  maxTiles: number;
}

/** The source image resized to one scale (whole pixels). */
export interface PyramidLevel {
  /** Nominal model pixels per source pixel; per axis exactly width / source width, height / source height. */
  scale: number;
  width: number;
  height: number;
  /** The whole image letterboxed into one input: the coarsest level, which sees the biggest faces. */
  whole: boolean;
}

/** One model input: a window of a level's image. */
export interface Tile {
  level: number;
  /** Top-left corner of the window in the level's image (negative = letterbox padding). */
  x: number;
  y: number;
  /** Window edges that run through the image: a box touching one may be a face cut by it. */
  cut: { left: boolean; top: boolean; right: boolean; bottom: boolean };
}

export interface PyramidPlan {
  levels: PyramidLevel[];
  tiles: Tile[];
  /** Smallest face (source px) brought to `targetFaceSize`: minFaceSize unless maxTiles forced a coarser finest level. */
  minFaceSize: number;
}

/**
 * Plans the inputs for one image: the whole image letterboxed into the model input, plus, when
 * faces of `minFaceSize` would be smaller than `targetFaceSize` there, finer levels (each
 * `levelStep` times the previous scale) cut into overlapping model-sized tiles, down to the scale
 * at which a `minFaceSize` face is `targetFaceSize` pixels tall.
 *
 * Coverage: a tiled level of scale s is trusted with faces from targetFaceSize / s source px up to
 * overlap / s (larger ones may be cut by every tile, and are left to coarser levels); the next
 * coarser level starts at targetFaceSize * levelStep / s, so overlap >= targetFaceSize * levelStep
 * leaves no gap. Tiled levels stop above 1.25 x the whole-image scale, so the coarsest one is at
 * most 1.25 x levelStep times the whole-image scale, which needs overlap >= 1.25 x levelStep x
 * targetFaceSize for the same reason.
 */
export function planPyramid(width: number, height: number, o: PyramidOptions): PyramidPlan {
  if (!(width > 0 && height > 0)) throw new SquintError('IMAGE_TOO_SMALL', `cannot detect faces in an empty ${width}x${height} image`);
  if (!(o.minFaceSize > 0)) throw new SquintError('INVALID_ARGUMENT', `minFaceSize must be > 0 pixels, got ${o.minFaceSize}`);
  if (!(o.levelStep > 1)) throw new SquintError('INVALID_ARGUMENT', `levelStep must be > 1, got ${o.levelStep}`);
  if (!(o.overlap >= 1.25 * o.targetFaceSize * o.levelStep) || o.overlap >= Math.min(o.inputWidth, o.inputHeight)) {
    throw new SquintError('INVALID_ARGUMENT', `tile overlap ${o.overlap} must be at least 1.25 x targetFaceSize x levelStep (${1.25 * o.targetFaceSize * o.levelStep}) and smaller than the input`);
  }
  const wholeScale = Math.min(o.inputWidth / width, o.inputHeight / height);
  const whole = level(width, height, wholeScale, true);
  const wholeTile: Tile = {
    level: 0,
    x: Math.floor((whole.width - o.inputWidth) / 2),
    y: Math.floor((whole.height - o.inputHeight) / 2),
    cut: { left: false, top: false, right: false, bottom: false },
  };

  let finest = o.targetFaceSize / o.minFaceSize;
  for (;;) {
    const levels = [whole];
    const tiles = [wholeTile];
    for (let s = finest; s > wholeScale * 1.25; s /= o.levelStep) {
      const l = level(width, height, s, false);
      levels.push(l);
      tiles.push(...levelTiles(l, levels.length - 1, o));
    }
    if (tiles.length <= o.maxTiles || levels.length === 1) {
      return { levels, tiles, minFaceSize: o.targetFaceSize / Math.max(finest, wholeScale) };
    }
    finest /= 1.25;
  }
}

function level(width: number, height: number, scale: number, whole: boolean): PyramidLevel {
  return { scale, width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), whole };
}

function levelTiles(l: PyramidLevel, index: number, o: PyramidOptions): Tile[] {
  const xs = positions(l.width, o.inputWidth, o.overlap);
  const ys = positions(l.height, o.inputHeight, o.overlap);
  const tiles: Tile[] = [];
  for (const y of ys) {
    for (const x of xs) {
      tiles.push({
        level: index, x, y,
        cut: { left: x > 0, top: y > 0, right: x + o.inputWidth < l.width, bottom: y + o.inputHeight < l.height },
      });
    }
  }
  return tiles;
}

/** Tile origins (whole pixels) spread evenly over [0, extent) with at least `overlap` pixels shared. */
function positions(extent: number, size: number, overlap: number): number[] {
  if (extent <= size) return [0];
  const n = Math.ceil((extent - overlap) / (size - overlap));
  const step = (extent - size) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.round(i * step));
}
