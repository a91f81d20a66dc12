import { describe, expect, it } from 'vitest';
import { nonMaxSuppression } from './nms.js';

describe('nonMaxSuppression', () => {
  const boxes = [
    [0, 0, 10, 10],
    [1, 0, 11, 10], // IoU with box 0 = 90/110 ≈ 0.82
    [20, 20, 30, 30],
    [0, 0, 10, 5], // IoU with box 0 = 0.5 exactly: kept at threshold 0.5
  ];
  const scores = [0.9, 0.95, 0.3, 0.6];

  it('keeps the best of overlapping boxes, best first', () => {
    expect(nonMaxSuppression(boxes, scores)).toEqual([1, 3, 2]);
  });

  it('suppresses strictly above the threshold and honours score threshold and cap', () => {
    expect(nonMaxSuppression(boxes, scores, { iouThreshold: 0.9 })).toEqual([1, 0, 3, 2]);
    expect(nonMaxSuppression(boxes, scores, { scoreThreshold: 0.5 })).toEqual([1, 3]);
    expect(nonMaxSuppression(boxes, scores, { maxDetections: 1 })).toEqual([1]);
  });

  it('visits equal scores in input order and rejects mismatched lengths', () => {
    expect(
      nonMaxSuppression(
        [
          [0, 0, 1, 1],
          [0, 0, 1, 1],
        ],
        [0.5, 0.5],
      ),
    ).toEqual([0]);
    expect(() => nonMaxSuppression([[0, 0, 1, 1]], [])).toThrow(/1 boxes but 0 scores/);
  });
});
