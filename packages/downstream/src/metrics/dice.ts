/** Options of the thresholded mask metrics. */
export interface MaskMetricOptions {
  /** A pixel is foreground when its probability is `> threshold` (0.5: the paper's protocol; 0 for logits). */
  threshold?: number;
  /**
   * Score of an image whose prediction and ground truth are both empty
   * (0/0). Default 1, the SIIM-ACR convention: correctly predicting "no
   * pneumothorax" is a perfect answer.
   */
  emptyScore?: number;
}

/** Per-image scores and their mean. */
export interface PerImageScores {
  /** [N] one score per image. */
  perImage: number[];
  /** Mean over images. */
  mean: number;
}

function checkMasks(name: string, probs: ArrayLike<number>, targets: ArrayLike<number>, pixelsPerImage: number): number {
  if (probs.length !== targets.length) {
    throw new Error(`${name}: ${probs.length} predicted pixels but ${targets.length} target pixels`);
  }
  if (!Number.isInteger(pixelsPerImage) || pixelsPerImage < 1 || probs.length % pixelsPerImage !== 0) {
    throw new Error(`${name}: ${probs.length} pixels do not split into images of ${pixelsPerImage} pixels`);
  }
  return probs.length / pixelsPerImage;
}

/** Foreground pixel counts of a thresholded prediction against its target. */
export interface OverlapCounts {
  /** Foreground in both. */
  intersection: number;
  /** Foreground in the prediction. */
  predicted: number;
  /** Foreground in the target. */
  actual: number;
}

/**
 * Overlap counts of one binarised prediction against its 0/1 target.
 * Target pixels count as foreground when `> 0.5` (masks may be stored as 0/1 or 0/255 scaled to [0, 1]).
 */
export function overlapCounts(probs: ArrayLike<number>, targets: ArrayLike<number>, threshold = 0.5, offset = 0, length = probs.length): OverlapCounts {
  let intersection = 0;
  let predicted = 0;
  let actual = 0;
  for (let i = offset; i < offset + length; i++) {
    const p = probs[i] > threshold;
    const t = targets[i] > 0.5;
    if (p) predicted++;
    if (t) actual++;
    if (p && t) intersection++;
  }
  return { intersection, predicted, actual };
}

/**
 * Dice coefficient 2|P∩T| / (|P| + |T|) of one image after thresholding.
 *
 * @param probs [H·W] foreground probabilities
 * @param targets [H·W] 0/1 ground truth
 */
export function dice(probs: ArrayLike<number>, targets: ArrayLike<number>, options: MaskMetricOptions = {}): number {
  return perImageDice(probs, targets, probs.length, options).perImage[0];
}

/**
 * The paper's segmentation metric: Dice at threshold 0.5 computed per image,
 * then averaged over images (not one Dice over the pooled pixels).
 *
 * @param probs [N, H·W] row-major foreground probabilities
 * @param targets [N, H·W] 0/1 ground truth
 * @param pixelsPerImage H·W
 */
export function perImageDice(probs: ArrayLike<number>, targets: ArrayLike<number>, pixelsPerImage: number, options: MaskMetricOptions = {}): PerImageScores {
  return perImageOverlapScores('perImageDice', probs, targets, pixelsPerImage, options, (c) => (2 * c.intersection) / (c.predicted + c.actual));
}

/**
 * A per-image overlap score of thresholded masks and its mean over images: `score` of each
 * image's {@link overlapCounts}, or `emptyScore` where prediction and truth are both empty.
 * @param name the metric, for error messages
 */
export function perImageOverlapScores(
  name: string,
  probs: ArrayLike<number>,
  targets: ArrayLike<number>,
  pixelsPerImage: number,
  options: MaskMetricOptions,
  score: (counts: OverlapCounts) => number,
): PerImageScores {
  const { threshold = 0.5, emptyScore = 1 } = options;
  const n = checkMasks(name, probs, targets, pixelsPerImage);
  const perImage: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = overlapCounts(probs, targets, threshold, i * pixelsPerImage, pixelsPerImage);
    perImage.push(c.predicted + c.actual === 0 ? emptyScore : score(c));
  }
  return { perImage, mean: n ? perImage.reduce((a, b) => a + b, 0) / n : Number.NaN };
}
