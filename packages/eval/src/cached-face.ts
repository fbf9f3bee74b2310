import type { AlignmentMethod, RgbImage } from '@squint/core';

/**
 * What the evaluator remembers per image: the aligned HR crop (per detection setup), and the
 * embedding of each degraded version (per pipeline, recipe and seed). Both keep how the face was
 * aligned and its width in the source, for the "no face found" count and the face-size breakdown.
 */
export interface AlignedCrop {
  image: RgbImage;
  alignment: AlignmentMethod;
  /** Face width in source pixels: detection box width, or the crop's own width. */
  faceWidth: number;
}

export interface EmbeddedFace {
  embedding: Float32Array;
  alignment: AlignmentMethod;
  faceWidth: number;
  quality?: number;
}

const METHODS: readonly AlignmentMethod[] = ['landmarks', 'crop-landmarks', 'crop-template', 'given'];

// Both layouts start with a 12-byte header so the float payload stays 4-byte aligned.
export function encodeEmbedded(f: EmbeddedFace): Uint8Array {
  const out = new Uint8Array(12 + 4 * f.embedding.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, METHODS.indexOf(f.alignment));
  view.setFloat32(4, f.faceWidth, true);
  view.setFloat32(8, f.quality ?? NaN, true);
  new Float32Array(out.buffer, 12).set(f.embedding);
  return out;
}

export function decodeEmbedded(bytes: Uint8Array): EmbeddedFace {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const quality = view.getFloat32(8, true);
  const embedding = new Float32Array((bytes.length - 12) / 4);
  for (let i = 0; i < embedding.length; i++) embedding[i] = view.getFloat32(12 + 4 * i, true);
  const f: EmbeddedFace = { embedding, alignment: METHODS[view.getUint8(0)] ?? 'given', faceWidth: view.getFloat32(4, true) };
  if (!Number.isNaN(quality)) f.quality = quality;
  return f;
}

export function encodeCrop(c: AlignedCrop): Uint8Array {
  const out = new Uint8Array(12 + c.image.data.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, METHODS.indexOf(c.alignment));
  view.setFloat32(4, c.faceWidth, true);
  view.setUint16(8, c.image.width, true);
  view.setUint16(10, c.image.height, true);
  out.set(c.image.data, 12);
  return out;
}

export function decodeCrop(bytes: Uint8Array): AlignedCrop {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const width = view.getUint16(8, true);
  const height = view.getUint16(10, true);
  return {
    image: { width, height, data: bytes.slice(12, 12 + width * height * 3) },
    alignment: METHODS[view.getUint8(0)] ?? 'given',
    faceWidth: view.getFloat32(4, true),
  };
}
