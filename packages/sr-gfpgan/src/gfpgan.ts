import {
  ARCFACE_TEMPLATE_112, checkModelInputs, composeAffine, FFHQ_TEMPLATE_512, invertAffine, scaleAffine, scaleTemplate,
  similarityTransform, SquintError, warpAffine,
  type Affine, type AlignedFace, type InferenceRuntime, type ModelSession, type ModelSource, type Preprocessor, type RgbImage,
} from '@squint/core';
import { pasteBack } from './paste-back';
import { imagesToTensor, pixelsToImage, tensorItemToPixels } from './tensor-layout';

export interface GfpganOptions {
  /** GFPGAN ONNX (e.g. GFPGANv1.4 exported at opset 11): input `input` [1,3,512,512] in [-1,1], output alike. */
  model: ModelSource;
  /** Side of the restored face re-aligned to the ArcFace template (what process() returns). Default 112. */
  outputSize?: number;
  /** Width of the paste-back mask's soft edge, as a fraction of the 512 crop. Default 0.1. */
  feather?: number;
  /** Input name the model must have. Default 'input'. */
  inputName?: string;
  name?: string;
  threads?: number;
}

export interface Gfpgan extends Preprocessor {
  readonly session: ModelSession;
  /**
   * The frame with every face restored and pasted back through the inverse alignment, blended by a
   * feathered square mask so that the seam does not show. Faces need 5 landmarks or a transform
   * (they must come from this frame); pixels outside the masks are untouched.
   */
  restoreFrame(frame: RgbImage, faces: readonly AlignedFace[]): Promise<RgbImage>;
  release(): Promise<void>;
}

const SIDE = 512;
const RANGE = [-1, 1] as const; // GFPGAN's (x/255 - 0.5) / 0.5

/** Map from a side x side ArcFace-aligned image to the FFHQ 512 crop. */
function arcfaceToFfhq(side: number): Affine {
  return similarityTransform(scaleTemplate(ARCFACE_TEMPLATE_112, side, 112), FFHQ_TEMPLATE_512);
}

/** Face restoration with a user-supplied GFPGAN ONNX (SR for recognition, and a restored frame for people). */
export async function createGfpgan(runtime: InferenceRuntime, options: GfpganOptions): Promise<Gfpgan> {
  const name = options.name ?? 'gfpgan';
  const outputSize = options.outputSize ?? 112;
  const feather = options.feather ?? 0.1;
  if (!Number.isInteger(outputSize) || outputSize < 8) throw new SquintError('INVALID_ARGUMENT', `outputSize must be an integer >= 8, got ${outputSize}`, { input: name });
  if (!(feather > 0 && feather < 0.5)) throw new SquintError('INVALID_ARGUMENT', `feather must be in (0, 0.5), got ${feather}`, { input: name });
  const session = await runtime.createSession(options.model, { label: options.name, threads: options.threads });
  const label = session.label;
  checkModelInputs(session, [{ name: options.inputName ?? 'input', dims: [null, 3, SIDE, SIDE] }]);

  /** Runs GFPGAN on one 512 crop; one at a time because the usual export has a fixed batch of 1. */
  async function restoreCrop(crop: RgbImage): Promise<RgbImage> {
    const x = runtime.tensor('float32', imagesToTensor([crop], 'nchw', RANGE), [1, 3, SIDE, SIDE]);
    const y = (await session.run({ [session.inputNames[0]]: x }))[session.outputNames[0]];
    if (y.dims.length !== 4 || y.dims[0] !== 1 || y.dims[1] !== 3 || y.dims[2] !== SIDE || y.dims[3] !== SIDE) {
      throw new SquintError('MODEL_SHAPE', `output "${session.outputNames[0]}" has shape [${y.dims.join(',')}], expected [1,3,512,512] like GFPGAN's`, { input: label });
    }
    // Clipping to [-1, 1] happens in pixelsToImage's 0-255 clamp.
    return pixelsToImage(tensorItemToPixels(y.data as Float32Array, 0, SIDE, SIDE, 'nchw', RANGE, label), SIDE, SIDE);
  }

  const toOutput = invertAffine(arcfaceToFfhq(outputSize));

  /** Source-frame -> FFHQ 512 map: from the face's own 5 points when it has them, else through its alignment. */
  function frameToFfhq(face: AlignedFace, i: number): Affine {
    if (face.landmarks?.length === 5) {
      try {
        return similarityTransform(face.landmarks, FFHQ_TEMPLATE_512);
      } catch { /* degenerate points: the alignment below still places the face */ }
    }
    if (!face.transform) {
      throw new SquintError('INVALID_ARGUMENT', `face ${i} has neither 5 landmarks nor a transform (alignment "${face.alignment}"), so it cannot be placed in the frame`, { input: name });
    }
    return composeAffine(face.transform, arcfaceToFfhq(face.image.width));
  }

  return {
    name,
    session,
    async process(faces) {
      const out: AlignedFace[] = [];
      for (const face of faces) {
        const side = face.image.width;
        const crop = warpAffine(face.image, arcfaceToFfhq(side), SIDE, SIDE);
        const restored = await restoreCrop(crop);
        out.push({
          ...face,
          image: warpAffine(restored, toOutput, outputSize, outputSize),
          transform: face.transform ? composeAffine(face.transform, scaleAffine(side, outputSize)) : undefined,
        });
      }
      return out;
    },
    async restoreFrame(frame, faces) {
      let result = frame;
      for (const [i, face] of faces.entries()) {
        const m = frameToFfhq(face, i);
        // Crop from the frame (not the aligned face): GFPGAN sees the context around the face.
        const restored = await restoreCrop(warpAffine(frame, m, SIDE, SIDE));
        result = pasteBack(result, restored, m, { feather });
      }
      return result;
    },
    release: () => session.release(),
  };
}

