/** [x, y] in pixels; (0,0) is the centre of the top-left pixel. */
export type Point = [number, number];

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * 2x3 affine matrix [a, b, tx, c, d, ty]:  x' = a x + b y + tx,  y' = c x + d y + ty.
 */
export type Affine = [number, number, number, number, number, number];
