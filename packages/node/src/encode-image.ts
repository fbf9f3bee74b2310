import { mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import sharp from 'sharp';
import writeFileAtomic from 'write-file-atomic';
import { SquintError, type RgbImage } from '@squint/core';

export type ImageFormat = 'png' | 'jpeg';

export interface EncodeImageOptions {
  /** JPEG quality 1-100. Default 90. */
  quality?: number;
}

/** Encodes an RGB image as PNG (lossless; e.g. base64 crops in an HTML report) or JPEG. */
export async function encodeImage(image: RgbImage, format: ImageFormat, options: EncodeImageOptions = {}): Promise<Uint8Array> {
  const { width, height, data } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) || data.length !== width * height * 3) {
    throw new SquintError('INVALID_ARGUMENT', `not an RGB image: ${width}x${height} needs ${width * height * 3} bytes, got ${data.length}`);
  }
  const pipeline = sharp(data, { raw: { width, height, channels: 3 } });
  const encoded = format === 'png'
    ? pipeline.png()
    : format === 'jpeg'
      ? pipeline.jpeg({ quality: options.quality ?? 90 })
      : unknownFormat(format);
  const bytes = await encoded.toBuffer();
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Writes an RGB image to `.png`, `.jpg` or `.jpeg`, creating the folder if needed. The file is
 * written atomically (temporary file + rename), so a crash never leaves half an image behind.
 */
export async function saveImage(image: RgbImage, path: string, options: EncodeImageOptions = {}): Promise<void> {
  const ext = extname(path).toLowerCase();
  const format: ImageFormat | undefined = ext === '.png' ? 'png' : ext === '.jpg' || ext === '.jpeg' ? 'jpeg' : undefined;
  if (!format) {
    throw new SquintError('INVALID_ARGUMENT', `cannot tell the image format from the extension "${ext}"; use .png, .jpg or .jpeg`, { input: path });
  }
  const bytes = await encodeImage(image, format, options);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
}

function unknownFormat(format: never): never {
  throw new SquintError('INVALID_ARGUMENT', `unknown image format "${String(format)}"; use "png" or "jpeg"`);
}
