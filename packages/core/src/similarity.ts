import type { Affine, Point } from './geometry';
import { SquintError } from './errors';

/**
 * Least-squares similarity (rotation, uniform scale, translation; no reflection) mapping `src`
 * onto `dst`: minimises sum |T(src_i) - dst_i|^2. In 2-D Umeyama's solution has a closed form:
 * with centred points, a = sum(s.d) / sum|s|^2 and b = sum(s x d) / sum|s|^2, T = [a -b; b a].
 */
export function similarityTransform(src: readonly Point[], dst: readonly Point[]): Affine {
  const n = src.length;
  if (n < 2 || dst.length !== n) {
    throw new SquintError('INVALID_ARGUMENT', `similarity transform needs two equally long point lists of at least 2 points (got ${n} and ${dst.length})`);
  }
  let sx = 0, sy = 0, dx = 0, dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[i][0]; sy += src[i][1]; dx += dst[i][0]; dy += dst[i][1];
  }
  sx /= n; sy /= n; dx /= n; dy /= n;
  let ss = 0, num = 0, cross = 0;
  for (let i = 0; i < n; i++) {
    const px = src[i][0] - sx, py = src[i][1] - sy;
    const qx = dst[i][0] - dx, qy = dst[i][1] - dy;
    ss += px * px + py * py;
    num += px * qx + py * qy;
    cross += px * qy - py * qx;
  }
  if (!(ss > 1e-12) || !Number.isFinite(ss + num + cross)) {
    throw new SquintError('INVALID_ARGUMENT', 'similarity transform needs distinct, finite source points (all points coincide or are NaN)');
  }
  const a = num / ss, b = cross / ss;
  return [a, -b, dx - a * sx + b * sy, b, a, dy - b * sx - a * sy];
}

export function applyAffine(m: Affine, p: Point): Point {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (!(Math.abs(det) > 1e-15) || !Number.isFinite(det)) {
    throw new SquintError('INVALID_ARGUMENT', `affine matrix [${m.join(', ')}] is singular and has no inverse`);
  }
  const ia = d / det, ib = -b / det, ic = -c / det, id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}

/** The map that applies `first`, then `second` (i.e. second ∘ first). */
export function composeAffine(first: Affine, second: Affine): Affine {
  const [a1, b1, t1, c1, d1, u1] = first;
  const [a2, b2, t2, c2, d2, u2] = second;
  return [
    a2 * a1 + b2 * c1, a2 * b1 + b2 * d1, a2 * t1 + b2 * u1 + t2,
    c2 * a1 + d2 * c1, c2 * b1 + d2 * d1, c2 * t1 + d2 * u1 + u2,
  ];
}

/** Uniform scale factor: exact for a similarity, the area-preserving mean for a general affine. */
export function affineScale(m: Affine): number {
  return Math.sqrt(Math.abs(m[0] * m[4] - m[1] * m[3]));
}

/**
 * Maps pixel-centre coordinates of a `from`-pixel-wide image to those of a `to`-pixel-wide one
 * covering the same area: x' + 0.5 = (x + 0.5) * to / from.
 */
export function scaleAffine(from: number, to: number): Affine {
  const f = to / from, t = 0.5 * f - 0.5;
  return [f, 0, t, 0, f, t];
}
