import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { SquintError, type RgbImage } from '@squint/core';
import { asBytes, localPath } from './local-path';

/** A file path, a file: URL, or the encoded bytes of an image file. */
export type ImageInput = string | URL | Uint8Array | ArrayBuffer;

export interface LoadImageOptions {
  /** Largest image, in pixels, that is decoded (decompression-bomb guard). Default 50,000,000. */
  pixelLimit?: number;
}

export const DEFAULT_PIXEL_LIMIT = 50_000_000;

const DECODABLE = 'JPEG, PNG, WebP, TIFF, GIF or AVIF';

/**
 * Decodes an image into 8-bit sRGB RGB, the way a person sees it: EXIF orientation applied,
 * grayscale expanded to three equal channels, CMYK and 16-bit converted, and transparency
 * flattened onto white (dropping alpha would expose whatever colour happens to lie under
 * transparent pixels, often black, which a detector reads as content).
 */
export async function loadImage(input: ImageInput, label?: string, options: LoadImageOptions = {}): Promise<RgbImage> {
  const pixelLimit = options.pixelLimit ?? DEFAULT_PIXEL_LIMIT;
  let source: string | Uint8Array;
  if (typeof input === 'string' || input instanceof URL) {
    const path = localPath(input);
    label ??= path ?? String(input);
    if (path === undefined) {
      throw new SquintError('IMAGE_DECODE', 'the Node runtime reads images from a file path, a file: URL or bytes; download remote images first', { input: label });
    }
    await checkImageFile(path, label);
    source = path;
  } else if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    source = asBytes(input);
    label ??= `image bytes (${source.length} B)`;
    if (source.length === 0) throw new SquintError('IMAGE_DECODE', 'image bytes are empty', { input: label });
  } else {
    throw new SquintError('INVALID_ARGUMENT', `loadImage takes a file path, a file: URL, a Uint8Array/Buffer or an ArrayBuffer, got ${describe(input)}`, { input: label });
  }

  try {
    const { data, info } = await sharp(source, { autoOrient: true, failOn: 'truncated', limitInputPixels: pixelLimit })
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) {
      throw new SquintError('IMAGE_DECODE', `decoded to ${info.channels} channels instead of RGB; convert the file to an 8-bit RGB JPEG or PNG`, { input: label });
    }
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (cause) {
    if (cause instanceof SquintError) throw cause;
    throw await decodeError(cause, source, label, pixelLimit);
  }
}

async function checkImageFile(path: string, label: string): Promise<void> {
  const info = await stat(path).catch((cause: NodeJS.ErrnoException) => {
    const what = cause.code === 'ENOENT' ? 'file not found' : `cannot read file (${cause.code ?? cause.message})`;
    throw new SquintError('IMAGE_DECODE', `${what}: ${path}`, { input: label, cause });
  });
  if (!info.isFile()) throw new SquintError('IMAGE_DECODE', `${path} is not a file`, { input: label });
  if (info.size === 0) throw new SquintError('IMAGE_DECODE', 'file is empty (0 bytes); the copy or download probably failed', { input: label });
}

async function decodeError(cause: unknown, source: string | Uint8Array, label: string, pixelLimit: number): Promise<SquintError> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (/pixel limit/i.test(reason)) {
    // The header alone gives the size; metadata() decodes no pixels, so this is safe for a bomb.
    const meta = await sharp(source, { limitInputPixels: false }).metadata().catch(() => undefined);
    const size = meta?.width && meta.height ? ` (${meta.width}x${meta.height} = ${(meta.width * meta.height).toLocaleString('en-US')} pixels)` : '';
    return new SquintError('IMAGE_TOO_LARGE', `image is larger than the pixel limit of ${pixelLimit.toLocaleString('en-US')} pixels${size}; downscale it, or raise pixelLimit in createNodeRuntime if the file is trusted`, { input: label, cause });
  }
  if (/unsupported image format/i.test(reason)) {
    return new SquintError('IMAGE_DECODE', `not an image file Squint can decode (${DECODABLE})`, { input: label, cause });
  }
  return new SquintError('IMAGE_DECODE', `corrupt or truncated image (${reason}); re-export or re-download it`, { input: label, cause });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
