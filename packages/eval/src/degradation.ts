import { resize, SquintError, type ResizeMethod, type RgbImage } from '@squint/core';
import { createRandom, deriveSeed } from './random';

/**
 * A named, seeded way to turn a good face into a bad one, for low-resolution protocols and training
 * augmentation. Steps run in this order (the usual camera model: sample, blur, sensor noise,
 * quantisation, compression), each only when present:
 *
 * 1. size: scale so the width becomes `size` px (height keeps the aspect ratio, rounded, >= 1),
 *    with the `downscale` method (default bicubic);
 * 2. blur: Gaussian, sigma in pixels of the degraded image (so "blur1" means the same at any
 *    source size), kernel radius ceil(3 sigma), edges replicated;
 * 3. noise: additive Gaussian per channel, sigma in 0-255 units, then rounded and clamped;
 * 4. posterize: keep the top `bits` bits of each channel (PIL's ImageOps.posterize);
 * 5. jpeg: encode at `quality` and decode, through the injected codec;
 * 6. zoomInOut: scale back up to the original size with an interpolation drawn by the seed
 *    (RandomZoomInOut).
 *
 * Each random step draws from its own stream derived from (seed, step), so adding a step does not
 * change what another step draws. Derive the seed per image with `deriveSeed(runSeed, imageKey)`.
 */
export interface DegradationRecipe {
  /** Target face width in px; absent = keep the original size. */
  size?: number;
  downscale?: ResizeMethod;
  blur?: { sigma: number };
  noise?: { sigma: number };
  jpeg?: { quality: number };
  posterize?: { bits: number };
  zoomInOut?: boolean;
}

/** JPEG round trip supplied by the platform (core and eval stay platform-free). */
export interface JpegCodec {
  encodeJpeg(image: RgbImage, quality: number): Uint8Array | Promise<Uint8Array>;
  decodeJpeg(bytes: Uint8Array): RgbImage | Promise<RgbImage>;
}

export interface DegradeOptions {
  codec?: JpegCodec;
}

const RESIZE_METHODS: readonly ResizeMethod[] = ['nearest', 'bilinear', 'bicubic', 'area'];

export async function degrade(
  image: RgbImage,
  recipe: DegradationRecipe | string,
  seed: number,
  options: DegradeOptions = {},
): Promise<RgbImage> {
  const r = typeof recipe === 'string' ? parseRecipe(recipe) : validateRecipe(recipe);
  if (r.jpeg && !options.codec) {
    throw new SquintError(
      'INVALID_ARGUMENT',
      'this recipe has a JPEG step but no codec was given; pass options.codec (encodeJpeg/decodeJpeg), e.g. the Node runner\'s sharp-based one',
      { input: recipeName(r) },
    );
  }
  let out = image;
  if (r.size !== undefined && r.size !== image.width) {
    const height = Math.max(1, Math.round((image.height * r.size) / image.width));
    out = resize(out, r.size, height, r.downscale ?? 'bicubic');
  }
  if (r.blur && r.blur.sigma > 0) out = gaussianBlur(out, r.blur.sigma);
  if (r.noise && r.noise.sigma > 0) out = addNoise(out, r.noise.sigma, deriveSeed(seed, 'noise'));
  if (r.posterize) out = posterize(out, r.posterize.bits);
  if (r.jpeg && options.codec) {
    const bytes = await options.codec.encodeJpeg(out, r.jpeg.quality);
    const decoded = await options.codec.decodeJpeg(bytes);
    if (decoded.width !== out.width || decoded.height !== out.height) {
      throw new SquintError(
        'IMAGE_DECODE',
        `JPEG round trip changed the size from ${out.width}x${out.height} to ${decoded.width}x${decoded.height}; the codec must decode to RGB without resizing`,
        { input: recipeName(r) },
      );
    }
    out = decoded;
  }
  if (r.zoomInOut && (out.width !== image.width || out.height !== image.height)) {
    const method = RESIZE_METHODS[createRandom(deriveSeed(seed, 'zoom')).int(RESIZE_METHODS.length)];
    out = resize(out, image.width, image.height, method);
  }
  // Never hand back the caller's buffer: degraded images are often written to in place later.
  return out === image ? { width: image.width, height: image.height, data: image.data.slice() } : out;
}

const GRAMMAR =
  "expected 'METHOD@SIZE' or 'original', then any of '+blurSIGMA', '+noiseSIGMA', '+posterizeBITS', '+jpegQUALITY', '+zoom' (METHOD: nearest, bilinear, bicubic, area), e.g. 'bicubic@16+blur1+noise5+jpeg40'";

/** Parses the string form, e.g. `bicubic@16+blur1+noise5+jpeg40` or `original+jpeg30`. */
export function parseRecipe(text: string): DegradationRecipe {
  const fail = (why: string): never => {
    throw new SquintError('INVALID_ARGUMENT', `${why}; ${GRAMMAR}`, { input: text });
  };
  const [base, ...mods] = text.trim().split('+');
  const recipe: DegradationRecipe = {};
  if (base !== 'original') {
    const m = /^([a-z]+)@(\d+)$/.exec(base);
    if (!m) fail(`cannot read the size part "${base}"`);
    const [, method, size] = m!;
    if (!RESIZE_METHODS.includes(method as ResizeMethod)) fail(`unknown resize method "${method}"`);
    recipe.downscale = method as ResizeMethod;
    recipe.size = Number(size);
  }
  for (const mod of mods) {
    const m = /^(blur|noise|posterize|jpeg|zoom)(\d+(?:\.\d+)?)?$/.exec(mod);
    if (!m) fail(`unknown step "${mod}"`);
    const [, step, num] = m!;
    const seen = step === 'zoom' ? recipe.zoomInOut : recipe[step as 'blur' | 'noise' | 'posterize' | 'jpeg'];
    if (seen) fail(`step "${step}" appears twice`);
    if (step === 'zoom') {
      if (num !== undefined) fail('"zoom" takes no number');
      recipe.zoomInOut = true;
      continue;
    }
    if (num === undefined) fail(`step "${step}" needs a number`);
    const v = Number(num);
    if (step === 'blur') recipe.blur = { sigma: v };
    else if (step === 'noise') recipe.noise = { sigma: v };
    else if (step === 'posterize') recipe.posterize = { bits: v };
    else recipe.jpeg = { quality: v };
  }
  return validateRecipe(recipe, text);
}

/** Canonical string form (steps in the order they run); `parseRecipe(recipeName(r))` gives r back. */
export function recipeName(recipe: DegradationRecipe): string {
  const parts = [recipe.size === undefined ? 'original' : `${recipe.downscale ?? 'bicubic'}@${recipe.size}`];
  if (recipe.blur) parts.push(`blur${recipe.blur.sigma}`);
  if (recipe.noise) parts.push(`noise${recipe.noise.sigma}`);
  if (recipe.posterize) parts.push(`posterize${recipe.posterize.bits}`);
  if (recipe.jpeg) parts.push(`jpeg${recipe.jpeg.quality}`);
  if (recipe.zoomInOut) parts.push('zoom');
  return parts.join('+');
}

function validateRecipe(r: DegradationRecipe, input = recipeName(r)): DegradationRecipe {
  const bad = (why: string): never => {
    throw new SquintError('INVALID_ARGUMENT', why, { input });
  };
  if (r.size !== undefined && !(Number.isInteger(r.size) && r.size >= 1)) bad(`size must be a positive integer, got ${r.size}`);
  if (r.downscale !== undefined && !RESIZE_METHODS.includes(r.downscale)) {
    bad(`unknown downscale method "${r.downscale}"; use one of ${RESIZE_METHODS.join(', ')}`);
  }
  if (r.blur && !(r.blur.sigma >= 0 && Number.isFinite(r.blur.sigma))) bad(`blur sigma must be >= 0, got ${r.blur.sigma}`);
  if (r.noise && !(r.noise.sigma >= 0 && Number.isFinite(r.noise.sigma))) bad(`noise sigma must be >= 0, got ${r.noise.sigma}`);
  if (r.posterize && !(Number.isInteger(r.posterize.bits) && r.posterize.bits >= 1 && r.posterize.bits <= 8)) {
    bad(`posterize bits must be an integer 1..8, got ${r.posterize.bits}`);
  }
  if (r.jpeg && !(Number.isInteger(r.jpeg.quality) && r.jpeg.quality >= 1 && r.jpeg.quality <= 100)) {
    bad(`JPEG quality must be an integer 1..100, got ${r.jpeg.quality}`);
  }
  return r;
}

function gaussianBlur(image: RgbImage, sigma: number): RgbImage {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
  for (let k = 0; k < kernel.length; k++) kernel[k] /= sum;
  const { width: w, height: h, data } = image;
  const clamp = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
  const tmp = new Float32Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = -radius; k <= radius; k++) acc += kernel[k + radius] * data[(y * w + clamp(x + k, w - 1)) * 3 + c];
        tmp[(y * w + x) * 3 + c] = acc;
      }
    }
  }
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = -radius; k <= radius; k++) acc += kernel[k + radius] * tmp[(clamp(y + k, h - 1) * w + x) * 3 + c];
        out[(y * w + x) * 3 + c] = toByte(acc);
      }
    }
  }
  return { width: w, height: h, data: out };
}

function addNoise(image: RgbImage, sigma: number, seed: number): RgbImage {
  const rnd = createRandom(seed);
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = toByte(image.data[i] + sigma * rnd.normal());
  return { width: image.width, height: image.height, data: out };
}

function posterize(image: RgbImage, bits: number): RgbImage {
  const mask = (0xff << (8 - bits)) & 0xff;
  return { width: image.width, height: image.height, data: image.data.map((v) => v & mask) };
}

/** Uint8Array stores modulo 256, so round and clamp first. */
function toByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
