import { SquintError } from '@squint/core';

export interface TileOptions {
  /** Tile side in input pixels. */
  size: number;
  /** Input pixels shared by neighbouring tiles; blended linearly in the output. */
  overlap: number;
}

export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function checkTileOptions(tile: TileOptions): void {
  const { size, overlap } = tile;
  if (!Number.isInteger(size) || size < 4 || !Number.isInteger(overlap) || overlap < 0 || overlap >= size / 2) {
    throw new SquintError('INVALID_ARGUMENT', `tile needs an integer size >= 4 and an integer overlap in [0, size/2), got size ${size}, overlap ${overlap}`);
  }
}

/** Start positions along one axis; every tile is `size` long (the last one is moved back to fit). */
function starts(length: number, size: number, overlap: number): number[] {
  if (length <= size) return [0];
  const step = size - overlap;
  const out: number[] = [];
  for (let p = 0; p + size < length; p += step) out.push(p);
  out.push(length - size);
  return out;
}

/**
 * Equal-sized tiles (so they batch into one run) covering a width x height image. With `exact`
 * (a model with a fixed input size) tiles are size x size even past a small image's edge.
 */
export function planTiles(width: number, height: number, tile: TileOptions, exact = false): Tile[] {
  const tw = exact ? tile.size : Math.min(tile.size, width), th = exact ? tile.size : Math.min(tile.size, height);
  const tiles: Tile[] = [];
  for (const y of starts(height, tile.size, tile.overlap)) {
    for (const x of starts(width, tile.size, tile.overlap)) tiles.push({ x, y, width: tw, height: th });
  }
  return tiles;
}

/**
 * Blends upscaled tiles (interleaved RGB floats) into one width x height output. Each tile's
 * weight ramps linearly from its inner edges over the overlap, so seams fade instead of showing;
 * weights are normalised per pixel, so uneven overlaps (the last tile) still sum to one.
 */
export function blendTiles(width: number, height: number, scale: number, overlap: number, tiles: readonly Tile[], outputs: readonly Float32Array[]): Float32Array {
  const acc = new Float32Array(width * height * 3);
  const wsum = new Float32Array(width * height);
  const ramp = Math.max(1, overlap * scale);
  tiles.forEach((t, k) => {
    const x0 = t.x * scale, y0 = t.y * scale, tw = t.width * scale, th = t.height * scale;
    const wx = edgeWeights(tw, ramp, x0 > 0, x0 + tw < width);
    const wy = edgeWeights(th, ramp, y0 > 0, y0 + th < height);
    const out = outputs[k];
    for (let j = 0; j < th; j++) {
      if (y0 + j >= height) break; // a fixed-size model's tile may hang over the image edge
      for (let i = 0; i < tw; i++) {
        if (x0 + i >= width) break;
        const w = wx[i] * wy[j];
        const d = (y0 + j) * width + x0 + i, s = (j * tw + i) * 3;
        wsum[d] += w;
        acc[d * 3] += w * out[s];
        acc[d * 3 + 1] += w * out[s + 1];
        acc[d * 3 + 2] += w * out[s + 2];
      }
    }
  });
  for (let d = 0; d < wsum.length; d++) {
    const inv = 1 / wsum[d];
    acc[d * 3] *= inv; acc[d * 3 + 1] *= inv; acc[d * 3 + 2] *= inv;
  }
  return acc;
}

function edgeWeights(n: number, ramp: number, rampStart: boolean, rampEnd: boolean): Float32Array {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = 1;
    if (rampStart) v = Math.min(v, (i + 0.5) / ramp);
    if (rampEnd) v = Math.min(v, (n - i - 0.5) / ramp);
    w[i] = v;
  }
  return w;
}

/** Copies a tile out of an interleaved RGB image, replicating edge pixels where it hangs over. */
export function extractTile(data: Uint8Array, width: number, height: number, t: Tile): Uint8Array {
  const out = new Uint8Array(t.width * t.height * 3);
  for (let j = 0; j < t.height; j++) {
    const sy = Math.min(height - 1, t.y + j);
    for (let i = 0; i < t.width; i++) {
      const sx = Math.min(width - 1, t.x + i);
      const s = (sy * width + sx) * 3, d = (j * t.width + i) * 3;
      out[d] = data[s]; out[d + 1] = data[s + 1]; out[d + 2] = data[s + 2];
    }
  }
  return out;
}
