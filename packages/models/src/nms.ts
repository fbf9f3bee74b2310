import type { Box } from '@squint/core';

export interface ScoredBox {
  box: Box;
  score: number;
}

export function iou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  return inter > 0 ? inter / (a.width * a.height + b.width * b.height - inter) : 0;
}

function intersection(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Greedy non-maximum suppression, best score first. A box is dropped when its IoU with a kept box
 * exceeds `iouThreshold`, or when `containment` of the smaller box lies inside the kept one: a
 * pyramid sees the same face at several scales and sometimes reports a part of it (an eye, a
 * half face at a tile seam) as a small face of its own, which IoU alone lets through.
 */
export function nonMaxSuppression<T extends ScoredBox>(items: readonly T[], iouThreshold: number, containment = 1): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const c of sorted) {
    const suppressed = kept.some((k) => {
      if (iou(c.box, k.box) > iouThreshold) return true;
      if (containment >= 1) return false;
      const smaller = Math.min(c.box.width * c.box.height, k.box.width * k.box.height);
      return intersection(c.box, k.box) > containment * smaller;
    });
    if (!suppressed) kept.push(c);
  }
  return kept;
}
