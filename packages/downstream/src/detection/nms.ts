import type { Box } from '../metrics/box.js';
import { boxIou } from '../metrics/iou.js';

/** Options of {@link nonMaxSuppression}. */
export interface NmsOptions {
  /** A box is suppressed when its IoU with a kept, higher-scoring box is > this (default 0.5). */
  iouThreshold?: number;
  /** Boxes scoring below this are dropped first (default 0). */
  scoreThreshold?: number;
  /** Keep at most this many boxes (default unlimited). */
  maxDetections?: number;
}

/**
 * Greedy non-maximum suppression: visit boxes by descending score (ties in
 * input order) and keep each one whose IoU with every kept box is at most
 * `iouThreshold`.
 *
 * @param boxes [K] boxes `[x1, y1, x2, y2]`
 * @param scores [K] confidences
 * @returns indices of the kept boxes, best first
 */
export function nonMaxSuppression(boxes: readonly Box[], scores: ArrayLike<number>, options: NmsOptions = {}): number[] {
  const { iouThreshold = 0.5, scoreThreshold = 0, maxDetections = Number.POSITIVE_INFINITY } = options;
  if (boxes.length !== scores.length) throw new Error(`nonMaxSuppression: ${boxes.length} boxes but ${scores.length} scores`);
  const order = Array.from({ length: boxes.length }, (_, i) => i)
    .filter((i) => scores[i] >= scoreThreshold)
    .sort((a, b) => scores[b] - scores[a] || a - b);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.length >= maxDetections) break;
    if (kept.every((k) => boxIou(boxes[i], boxes[k]) <= iouThreshold)) kept.push(i);
  }
  return kept;
}
