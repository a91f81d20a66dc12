import type { Box } from './box.js';
import { checkBox } from './box.js';
import { RSNA_IOU_THRESHOLDS, type ImageDetections } from './detection-map.js';
import { boxIou } from './iou.js';

/**
 * The RSNA Pneumonia Detection Challenge (Kaggle) score, which papers also
 * call "mAP": per image and IoU threshold t, TP / (TP + FP + FN) after
 * matching predictions (by descending score) greedily to unmatched true
 * boxes with IoU > t; averaged over the thresholds, then over images. Images
 * with neither true nor predicted boxes are left out; an image with only one
 * of the two scores 0.
 *
 * Different from {@link detectionMap} (a ranking metric over the whole set):
 * this one is sensitive to the score threshold applied before it.
 *
 * @returns the mean score and per-image scores (NaN for left-out images)
 */
export function rsnaKaggleScore(
  predictions: ImageDetections[],
  groundTruth: Box[][],
  thresholds: readonly number[] = RSNA_IOU_THRESHOLDS,
): { mean: number; perImage: number[] } {
  if (predictions.length !== groundTruth.length) {
    throw new Error(`rsnaKaggleScore: ${predictions.length} images of predictions but ${groundTruth.length} of ground truth`);
  }
  const perImage = predictions.map((p, image) => {
    if (p.boxes.length !== p.scores.length) throw new Error(`rsnaKaggleScore: image ${image} has ${p.boxes.length} boxes but ${p.scores.length} scores`);
    const truth = groundTruth[image];
    p.boxes.forEach((b, k) => checkBox(b, `rsnaKaggleScore: image ${image} predicted box ${k}`));
    truth.forEach((b, k) => checkBox(b, `rsnaKaggleScore: image ${image} ground-truth box ${k}`));
    if (truth.length === 0 && p.boxes.length === 0) return Number.NaN;
    if (truth.length === 0 || p.boxes.length === 0) return 0;
    const order = p.boxes.map((_, k) => k).sort((a, b) => p.scores[b] - p.scores[a] || a - b);
    let sum = 0;
    for (const t of thresholds) {
      const matched = new Array<boolean>(truth.length).fill(false);
      let tp = 0;
      for (const k of order) {
        let best = -1;
        let bestIou = t;
        truth.forEach((g, j) => {
          const iou = boxIou(p.boxes[k], g);
          if (!matched[j] && iou > bestIou) {
            bestIou = iou;
            best = j;
          }
        });
        if (best >= 0) {
          matched[best] = true;
          tp++;
        }
      }
      const fp = p.boxes.length - tp;
      const fn = truth.length - tp;
      sum += tp / (tp + fp + fn);
    }
    return sum / thresholds.length;
  });
  const counted = perImage.filter((v) => !Number.isNaN(v));
  return { mean: counted.length ? counted.reduce((a, b) => a + b, 0) / counted.length : Number.NaN, perImage };
}
