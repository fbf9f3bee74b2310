import { SquintError, type RgbImage } from '@squint/core';
import { rgbaToRgb, type RgbaPixels } from './rgba-to-rgb';
import { DEFAULT_PIXEL_LIMIT, checkPixelLimit } from './pixel-limit';

export interface LoadImageOptions {
  /** Refuse images with more pixels than this (IMAGE_TOO_LARGE). Default DEFAULT_PIXEL_LIMIT. */
  pixelLimit?: number;
}

/** What loadImage accepts; anything else is refused with INVALID_ARGUMENT. */
export type WebImageInput =
  | ImageData
  | RgbaPixels
  | ImageBitmap
  | HTMLImageElement
  | HTMLCanvasElement
  | HTMLVideoElement
  | OffscreenCanvas
  | VideoFrame
  | Blob
  | ArrayBuffer
  | Uint8Array
  | URL
  | string;

const ACCEPTED = 'ImageData, ImageBitmap, HTMLImageElement, HTMLCanvasElement, OffscreenCanvas, HTMLVideoElement, VideoFrame, Blob/File, ArrayBuffer, Uint8Array or a URL';

/**
 * Decodes a browser image into 8-bit RGB (transparency flattened onto white, as in @squint/node). Encoded bytes and Blobs go through
 * createImageBitmap with imageOrientation 'from-image', so a phone photo's EXIF rotation is
 * applied just as sharp's rotate() does in @squint/node; <img> elements are drawn as the browser
 * displays them, which modern browsers also orient from EXIF (CSS image-orientation: from-image).
 */
export async function loadImage(input: unknown, label?: string, options: LoadImageOptions = {}): Promise<RgbImage> {
  const limit = options.pixelLimit ?? DEFAULT_PIXEL_LIMIT;
  if (typeof input === 'string' || input instanceof URL) {
    const url = String(input);
    return decodeBlob(await fetchImage(url, label ?? url), label ?? url, limit);
  }
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) {
    const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (bytes.length === 0) throw new SquintError('IMAGE_DECODE', 'image bytes are empty', { input: label });
    // Copy: a Blob must not share a buffer that the caller may reuse or that is a SharedArrayBuffer.
    return decodeBlob(new Blob([bytes.slice()]), label, limit);
  }
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    if (input.size === 0) throw new SquintError('IMAGE_DECODE', 'image file is empty', { input: label ?? fileName(input) });
    return decodeBlob(input, label ?? fileName(input), limit);
  }
  if (isInstance(input, 'HTMLImageElement')) return fromImageElement(input as HTMLImageElement, label, limit);
  const drawable = drawableSize(input);
  if (drawable) {
    checkPixelLimit(drawable.width, drawable.height, limit, label);
    return drawToRgb(input as CanvasImageSource, drawable.width, drawable.height, label);
  }
  if (isRgbaPixels(input)) {
    checkPixelLimit(input.width, input.height, limit, label);
    return rgbaToRgb(input, label);
  }
  throw new SquintError('INVALID_ARGUMENT', `cannot read an image from ${describe(input)}; pass ${ACCEPTED} (in Node, use @squint/node for files)`, { input: label });
}

async function fetchImage(url: string, label: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (cause) {
    throw new SquintError('IMAGE_DECODE', `could not fetch the image (${message(cause)}); check the URL and, for another origin, its CORS headers`, { input: label, cause });
  }
  if (!res.ok) throw new SquintError('IMAGE_DECODE', `fetching the image gave HTTP ${res.status} ${res.statusText}`, { input: label });
  const blob = await res.blob();
  if (blob.size === 0) throw new SquintError('IMAGE_DECODE', 'the server sent an empty image', { input: label });
  return blob;
}

async function decodeBlob(blob: Blob, label: string | undefined, limit: number): Promise<RgbImage> {
  if (typeof createImageBitmap !== 'function') {
    throw new SquintError('INVALID_ARGUMENT', 'decoding encoded image bytes needs createImageBitmap, which this environment lacks; in Node use @squint/node, or pass ImageData', { input: label });
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch (cause) {
    throw new SquintError('IMAGE_DECODE', `the browser could not decode this image (${blob.size} bytes${blob.type ? `, ${blob.type}` : ''}): not an image, corrupt or truncated, or a format this browser cannot read (${message(cause)})`, { input: label, cause });
  }
  try {
    checkPixelLimit(bitmap.width, bitmap.height, limit, label);
    return drawToRgb(bitmap, bitmap.width, bitmap.height, label);
  } finally {
    bitmap.close();
  }
}

async function fromImageElement(img: HTMLImageElement, label: string | undefined, limit: number): Promise<RgbImage> {
  const name = label ?? (img.currentSrc || img.src || undefined);
  try {
    // decode() waits for a still-loading image and rejects for a broken one.
    await img.decode();
  } catch (cause) {
    throw new SquintError('IMAGE_DECODE', `<img> could not be decoded (broken or unreachable src, or not an image): ${message(cause)}`, { input: name, cause });
  }
  checkPixelLimit(img.naturalWidth, img.naturalHeight, limit, name);
  return drawToRgb(img, img.naturalWidth, img.naturalHeight, name);
}

function drawToRgb(source: CanvasImageSource, width: number, height: number, label: string | undefined): RgbImage {
  if (width <= 0 || height <= 0) {
    throw new SquintError('IMAGE_DECODE', `image has size ${width}x${height}; nothing to read (a video with no frame yet, or an empty canvas?)`, { input: label });
  }
  const ctx = context2d(width, height, label);
  // Transparent pixels over white, as @squint/node's sharp flatten() does.
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(source, 0, 0, width, height);
  let pixels: ImageData;
  try {
    pixels = ctx.getImageData(0, 0, width, height);
  } catch (cause) {
    throw new SquintError('IMAGE_DECODE', `the browser refused to read the pixels (${message(cause)}); a cross-origin image needs CORS headers on its server and crossOrigin="anonymous" on the <img>`, { input: label, cause });
  }
  return rgbaToRgb(pixels, label);
}

type Context2d = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

function context2d(width: number, height: number, label: string | undefined): Context2d {
  const settings: CanvasRenderingContext2DSettings = { willReadFrequently: true, colorSpace: 'srgb' };
  let ctx: Context2d | null = null;
  if (typeof OffscreenCanvas !== 'undefined') {
    ctx = new OffscreenCanvas(width, height).getContext('2d', settings);
  } else if (typeof document !== 'undefined') {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    ctx = canvas.getContext('2d', settings);
  }
  if (!ctx) {
    throw new SquintError('INVALID_ARGUMENT', 'reading this image needs a 2D canvas (OffscreenCanvas or document), which this environment lacks; pass ImageData instead', { input: label });
  }
  return ctx;
}

/** Width and height of the things drawImage accepts (other than <img>, handled on its own). */
function drawableSize(input: unknown): { width: number; height: number } | undefined {
  if (isInstance(input, 'ImageBitmap') || isInstance(input, 'HTMLCanvasElement') || isInstance(input, 'OffscreenCanvas')) {
    const c = input as ImageBitmap;
    return { width: c.width, height: c.height };
  }
  if (isInstance(input, 'HTMLVideoElement')) {
    const v = input as HTMLVideoElement;
    return { width: v.videoWidth, height: v.videoHeight };
  }
  if (isInstance(input, 'VideoFrame')) {
    const f = input as VideoFrame;
    return { width: f.displayWidth, height: f.displayHeight };
  }
  return undefined;
}

/** instanceof against a global that may not exist in this environment (Node, workers). */
function isInstance(value: unknown, globalName: string): boolean {
  const ctor = (globalThis as Record<string, unknown>)[globalName];
  return typeof ctor === 'function' && value instanceof (ctor as new (...args: never[]) => unknown);
}

function isRgbaPixels(value: unknown): value is RgbaPixels {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<RgbaPixels>;
  return typeof v.width === 'number' && typeof v.height === 'number' && typeof v.data === 'object' && v.data !== null && typeof v.data.length === 'number';
}

function fileName(blob: Blob): string | undefined {
  return typeof (blob as File).name === 'string' && (blob as File).name ? (blob as File).name : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = value.constructor?.name;
  if (!name || name === 'Object') return 'an object without width, height and RGBA data';
  return `a ${name}`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
