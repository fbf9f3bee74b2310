import { SquintError, type InferenceRuntime, type ModelSession, type ModelSource, type Preprocessor, type RgbImage } from '@squint/core';
import { createUpscalingPreprocessor } from './sr-preprocessor';
import { checkRange, imagesToTensor, pixelsToImage, tensorItemToPixels, type TensorLayout, type ValueRange } from './tensor-layout';
import { blendTiles, checkTileOptions, extractTile, planTiles, type TileOptions } from './tiling';

export interface OnnxSuperResolutionOptions {
  model: ModelSource;
  /** The model's factor (2, 4, ...). Checked against every output; found by a probe run when omitted. */
  scale?: number;
  /** Default 'nchw'. */
  layout?: TensorLayout;
  /** What pixel values 0 and 255 become at the input. Default [0, 1]. */
  inputRange?: ValueRange;
  /** What output values mean pixel 0 and 255. Default: the input range. */
  outputRange?: ValueRange;
  /**
   * Images larger than `size` (input pixels) run as overlapping tiles blended linearly, bounding
   * memory. Required for models with a fixed input size (taken from the model when absent).
   */
  tile?: TileOptions;
  /** Longest side of an output face. Default 112. */
  maxSize?: number;
  /** Most images (or tiles) per inference. Default 16; 1 for models with a fixed batch of 1. */
  batchSize?: number;
  /** Preprocessor name and error label. Default 'onnx-sr'. */
  name?: string;
  threads?: number;
}

export interface OnnxSuperResolution extends Preprocessor {
  readonly scale: number;
  readonly session: ModelSession;
  /** Upscales whole images by the model's own factor (no cap), tiling large ones. */
  upscale(images: readonly RgbImage[]): Promise<RgbImage[]>;
  release(): Promise<void>;
}

const fixedDim = (d: number | string | undefined): number | undefined => (typeof d === 'number' && d > 0 ? d : undefined);

/** Any super-resolution ONNX model with one image input and one image output. */
export async function createOnnxSuperResolution(runtime: InferenceRuntime, options: OnnxSuperResolutionOptions): Promise<OnnxSuperResolution> {
  const name = options.name ?? 'onnx-sr';
  const layout = options.layout ?? 'nchw';
  if (layout !== 'nchw' && layout !== 'nhwc') throw new SquintError('INVALID_ARGUMENT', `layout must be "nchw" or "nhwc", got ${JSON.stringify(layout)}`, { input: name });
  const inputRange = options.inputRange ?? [0, 1];
  const outputRange = options.outputRange ?? inputRange;
  checkRange(inputRange, `${name}: inputRange`);
  checkRange(outputRange, `${name}: outputRange`);
  if (options.scale !== undefined && !(Number.isInteger(options.scale) && options.scale >= 2)) {
    throw new SquintError('INVALID_ARGUMENT', `scale must be an integer >= 2, got ${options.scale}`, { input: name });
  }

  const session = await runtime.createSession(options.model, { label: options.name, threads: options.threads });
  const label = session.label;
  const meta = session.inputMetadata[0];
  const shape = meta && meta.isTensor ? meta.shape : [];
  if (shape.length !== 0 && shape.length !== 4) {
    throw new SquintError('MODEL_SHAPE', `input "${session.inputNames[0]}" has rank ${shape.length}; an SR model takes a 4-d image batch`, { input: label });
  }
  const channelDim = layout === 'nchw' ? 1 : 3;
  if (fixedDim(shape[channelDim]) !== undefined && shape[channelDim] !== 3) {
    throw new SquintError('MODEL_SHAPE', `input "${session.inputNames[0]}" has ${shape[channelDim]} channels in the ${layout} layout, expected 3 (RGB); check the layout option`, { input: label });
  }
  const [hDim, wDim] = layout === 'nchw' ? [2, 3] : [1, 2];
  const fixedH = fixedDim(shape[hDim]), fixedW = fixedDim(shape[wDim]);
  let tile = options.tile;
  if (fixedH !== undefined || fixedW !== undefined) {
    if (fixedH !== fixedW) throw new SquintError('MODEL_SHAPE', `input has a fixed ${fixedW ?? '?'}x${fixedH ?? '?'} size; only square fixed sizes can be tiled`, { input: label });
    if (tile && tile.size !== fixedH) throw new SquintError('INVALID_ARGUMENT', `tile.size ${tile.size} differs from the model's fixed input size ${fixedH}`, { input: label });
    tile = tile ?? { size: fixedH!, overlap: Math.floor(fixedH! / 8) };
  }
  if (tile) checkTileOptions(tile);
  const exactTiles = fixedH !== undefined;
  const batchSize = fixedDim(shape[0]) === 1 ? 1 : options.batchSize ?? 16;
  let scale = options.scale;

  /** One inference on equally sized w x h pixel blocks; returns 0-255 float pixels per item. */
  async function run(blocks: Uint8Array[], w: number, h: number): Promise<{ pixels: Float32Array[]; s: number }> {
    const n = blocks.length;
    const dims = layout === 'nchw' ? [n, 3, h, w] : [n, h, w, 3];
    const data = imagesToTensor(blocks.map((b) => ({ width: w, height: h, data: b })), layout, inputRange);
    const result = await session.run({ [session.inputNames[0]]: runtime.tensor('float32', data, dims) });
    const y = result[session.outputNames[0]];
    const od = y.dims;
    const [oh, ow, oc] = layout === 'nchw' ? [od[2], od[3], od[1]] : [od[1], od[2], od[3]];
    if (od.length !== 4 || od[0] !== n || oc !== 3) {
      throw new SquintError('MODEL_SHAPE', `output "${session.outputNames[0]}" has shape [${od.join(',')}] for input [${dims.join(',')}]; expected ${n} RGB images in the ${layout} layout`, { input: label });
    }
    const s = ow / w;
    if (!Number.isInteger(s) || s < 1 || oh !== h * s) {
      throw new SquintError('MODEL_SHAPE', `maps ${w}x${h} to ${ow}x${oh}, not an integer multiple of the input; SR models must scale both sides by the same whole factor`, { input: label });
    }
    if (scale !== undefined && s !== scale) {
      throw new SquintError('MODEL_SHAPE', `maps ${w}x${h} to ${ow}x${oh} (x${s}) but scale ${scale} was expected; fix the scale option`, { input: label });
    }
    if (y.type !== 'float32') throw new SquintError('MODEL_SHAPE', `output is ${y.type}, expected float32`, { input: label });
    const out = y.data as Float32Array;
    const pixels = blocks.map((_, k) => tensorItemToPixels(out, k, ow, oh, layout, outputRange, label));
    return { pixels, s };
  }

  async function runChunked(blocks: Uint8Array[], w: number, h: number): Promise<Float32Array[]> {
    const all: Float32Array[] = [];
    for (let i = 0; i < blocks.length; i += batchSize) {
      const { pixels, s } = await run(blocks.slice(i, i + batchSize), w, h);
      scale ??= s;
      all.push(...pixels);
    }
    return all;
  }

  async function upscaleGroup(images: readonly RgbImage[]): Promise<RgbImage[]> {
    const { width: w, height: h } = images[0];
    const tiled = tile && (exactTiles || w > tile.size || h > tile.size);
    if (!tiled) {
      const pixels = await runChunked(images.map((im) => im.data), w, h);
      return pixels.map((p) => pixelsToImage(p, w * scale!, h * scale!));
    }
    const tiles = planTiles(w, h, tile!, exactTiles);
    const out: RgbImage[] = [];
    for (const im of images) {
      const pixels = await runChunked(tiles.map((t) => extractTile(im.data, w, h, t)), tiles[0].width, tiles[0].height);
      const W = w * scale!, H = h * scale!;
      out.push(pixelsToImage(blendTiles(W, H, scale!, tile!.overlap, tiles, pixels), W, H));
    }
    return out;
  }

  if (scale === undefined) {
    // The cap in process() needs the factor before the first face arrives: ask the model once.
    const side = tile ? tile.size : 16;
    await runChunked([new Uint8Array(side * side * 3).fill(128)], side, side);
  }

  const pre = createUpscalingPreprocessor(name, { scale: scale!, maxSize: options.maxSize }, (images) => upscaleGroup(images));
  return {
    name,
    scale: scale!,
    session,
    process: pre.process,
    async upscale(images) {
      const out: RgbImage[] = new Array(images.length);
      const groups = new Map<string, number[]>();
      images.forEach((im, i) => {
        const key = `${im.width}x${im.height}`;
        const group = groups.get(key);
        if (group) group.push(i);
        else groups.set(key, [i]);
      });
      for (const idx of groups.values()) {
        const res = await upscaleGroup(idx.map((i) => images[i]));
        idx.forEach((i, k) => (out[i] = res[k]));
      }
      return out;
    },
    release: () => session.release(),
  };
}
