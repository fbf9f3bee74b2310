import { describe, expect, it } from 'vitest';
import { iou, nonMaxSuppression } from './nms';

const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });

describe('nonMaxSuppression', () => {
  it('computes IoU', () => {
    expect(iou(box(0, 0, 10, 10), box(5, 0, 10, 10))).toBeCloseTo(50 / 150);
    expect(iou(box(0, 0, 10, 10), box(20, 0, 10, 10))).toBe(0);
  });

  it('keeps the best of overlapping boxes and every separate one, best first', () => {
    const kept = nonMaxSuppression([
      { box: box(0, 0, 10, 10), score: 0.8 },
      { box: box(1, 1, 10, 10), score: 0.9 },
      { box: box(50, 50, 10, 10), score: 0.7 },
    ], 0.4);
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.7]);
  });

  it('drops a small box inside a better one only when containment is on', () => {
    const items = [{ box: box(0, 0, 40, 40), score: 0.9 }, { box: box(5, 5, 10, 10), score: 0.8 }];
    expect(nonMaxSuppression(items, 0.4)).toHaveLength(2);
    expect(nonMaxSuppression(items, 0.4, 0.75)).toHaveLength(1);
  });
});
