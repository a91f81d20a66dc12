import { checkBox, type Box } from './box.js';
import { perImageOverlapScores, type MaskMetricOptions, type PerImageScores } from './dice.js';

/**
 * Intersection over union (Jaccard) of thresholded masks, per image, then the
 * mean over images. Same thresholding and empty-image convention as
 * {@link perImageDice}.
 *
 * @param probs [N, H·W] foreground probabilities
 * @param targets [N, H·W] 0/1 ground truth
 * @param pixelsPerImage H·W
 */
export function perImageMaskIou(probs: ArrayLike<number>, targets: ArrayLike<number>, pixelsPerImage: number, options: MaskMetricOptions = {}): PerImageScores {
  return perImageOverlapScores('perImageMaskIou', probs, targets, pixelsPerImage, options, (c) => c.intersection / (c.predicted + c.actual - c.intersection));
}

/**
 * IoU of two axis-aligned boxes `[x1, y1, x2, y2]` in continuous pixel
 * coordinates (area = (x2 − x1)·(y2 − y1), no "+1" as in old VOC code).
 * Two empty boxes give 0.
 */
export function boxIou(a: Box, b: Box): number {
  checkBox(a, 'boxIou: first box');
  checkBox(b, 'boxIou: second box');
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const intersection = iw * ih;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection;
  return union > 0 ? intersection / union : 0;
}
