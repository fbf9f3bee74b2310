import {
  SquintError, checkModelInputs, warpAffine,
  type Affine, type Box, type InferenceRuntime, type Landmarker, type ModelSource, type Point, type RgbImage,
} from '@squint/core';
import { runBatched } from './batched-run';
import { FR_LANDMARK, type LandmarkerDescriptor } from './descriptors';
import { writeInput } from './input-tensor';

export interface Landmarker68Options {
  /** Another file of the same family. Default: the packaged fr_landmark. */
  model?: ModelSource;
  descriptor?: LandmarkerDescriptor;
  /** Faces per inference run. Default 32. */
  maxBatch?: number;
  threads?: number;
}

export interface Landmarker68 extends Landmarker {
  /** All 68 points (iBUG 300-W order) for each box, in source pixel-centre coordinates. */
  locate68(image: RgbImage, boxes: readonly Box[]): Promise<Point[][]>;
}

/** iBUG 68-point indices behind the five-point layout. */
const LEFT_EYE = [36, 37, 38, 39, 40, 41];
const RIGHT_EYE = [42, 43, 44, 45, 46, 47];
const NOSE_TIP = 30;
const MOUTH_LEFT = 48;
const MOUTH_RIGHT = 54;

/**
 * Reduces 68 points to the five of DetectedFace.landmarks: eye centres (mean of each eye contour),
 * nose tip, mouth corners. iBUG numbers the subject's right eye first, which is image-left.
 */
export function fivePointsFrom68(p: readonly Point[]): Point[] {
  const mean = (idx: number[]): Point => [idx.reduce((a, i) => a + p[i][0], 0) / idx.length, idx.reduce((a, i) => a + p[i][1], 0) / idx.length];
  return [mean(LEFT_EYE), mean(RIGHT_EYE), [...p[NOSE_TIP]] as Point, [...p[MOUTH_LEFT]] as Point, [...p[MOUTH_RIGHT]] as Point];
}

/**
 * The faceplugin 68-point landmarker. As in the original pipeline, each box is squared to its
 * height around its centre (fr_detect squares its boxes before landmarking), that square is
 * resized to 64x64 gray, and the model answers each point as a fraction of the square. The crop is
 * taken with an anti-aliased warp and edge-replicated where the square leaves the image, rather
 * than shifted inside the image as the original does (which misplaces the points of faces at the
 * border). A box that is empty or not finite gets an empty point list.
 */
export async function createLandmarker68(runtime: InferenceRuntime, options: Landmarker68Options = {}): Promise<Landmarker68> {
  const d = options.descriptor ?? FR_LANDMARK;
  const maxBatch = options.maxBatch ?? 32;
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new SquintError('INVALID_ARGUMENT', `maxBatch must be a positive integer, got ${maxBatch}`);
  const session = await runtime.createSession(options.model ?? d.url, { label: d.id, threads: options.threads });
  const { width: size, height } = d.input;
  if (size !== height) throw new SquintError('INVALID_ARGUMENT', `landmark input must be square, the descriptor says ${size}x${height}`, { input: d.id });
  checkModelInputs(session, [{ name: d.input.name, dims: [null, 1, size, size] }]);
  if (!session.outputNames.includes(d.output)) {
    throw new SquintError('MODEL_SHAPE', `model has no output "${d.output}" (outputs: ${session.outputNames.join(', ')})`, { input: session.label });
  }

  async function locate68(image: RgbImage, boxes: readonly Box[]): Promise<Point[][]> {
    const squares = boxes.map((b) => square(b, d.cropScale));
    const usable = squares.flatMap((sq, i) => (sq ? [i] : []));
    const out: Point[][] = boxes.map(() => []);
    await runBatched(runtime, session, d.input, usable.length, maxBatch,
      (target, slot, item) => {
        const sq = squares[usable[item]]!;
        const k = size / sq.side;
        const m: Affine = [k, 0, 0.5 * k - 0.5 - k * sq.left, 0, k, 0.5 * k - 0.5 - k * sq.top];
        writeInput(target, slot, warpAffine(image, m, size, size, { border: 'replicate' }), d.input);
      },
      (outputs, slot, item) => {
        const sq = squares[usable[item]]!;
        const values = outputs[d.output].data as Float32Array;
        const per = d.points * 2;
        const points: Point[] = [];
        for (let j = 0; j < d.points; j++) {
          // Fractions of the square's edges -> source pixel-centre coordinates.
          points.push([sq.left + values[slot * per + 2 * j] * sq.side - 0.5, sq.top + values[slot * per + 2 * j + 1] * sq.side - 0.5]);
        }
        out[usable[item]] = points;
      });
    return out;
  }

  return {
    name: 'landmark68',
    locate68,
    async locate(image, boxes) {
      const all = await locate68(image, boxes);
      return all.map((p) => (p.length ? fivePointsFrom68(p) : []));
    },
  };
}

/** The crop square of a box (pixel-edge coordinates), or undefined for an unusable box. */
function square(b: Box, scale: number): { left: number; top: number; side: number } | undefined {
  if (!Number.isFinite(b.x + b.y + b.width + b.height) || !(b.width > 0 && b.height > 0)) return undefined;
  const side = b.height * scale;
  return { left: b.x + b.width / 2 - side / 2, top: b.y + b.height / 2 - side / 2, side };
}
