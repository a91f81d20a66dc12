import { checkBox, type Box } from './box.js';
import { boxIou } from './iou.js';

/** Predicted boxes of one image with their confidence scores. */
export interface ImageDetections {
  /** [K] predicted boxes `[x1, y1, x2, y2]`. */
  boxes: Box[];
  /** [K] confidences; higher ranks first. */
  scores: number[];
}

/** How the precision–recall curve is turned into one number. */
export type ApInterpolation = 'all-point' | 'coco-101';

/** Options of {@link averagePrecision} and {@link detectionMap}. */
export interface ApOptions {
  /**
   * `all-point` (default): PASCAL VOC 2010+ — the area under the monotone
   * precision envelope, summed at every recall step. `coco-101`: the mean of
   * the envelope sampled at recall 0, 0.01, …, 1 (COCO / torchmetrics).
   */
  interpolation?: ApInterpolation;
}

/** The IoU thresholds of the paper's detection metric: 0.40, 0.45, …, 0.75 (8 thresholds, step 0.05). */
export const RSNA_IOU_THRESHOLDS: readonly number[] = Object.freeze(
  Array.from({ length: 8 }, (_, k) => Math.round((0.4 + 0.05 * k) * 100) / 100),
);

interface RankedDetection {
  image: number;
  box: Box;
  score: number;
}

function rankDetections(predictions: ImageDetections[]): RankedDetection[] {
  const all: RankedDetection[] = [];
  predictions.forEach((p, image) => {
    if (p.boxes.length !== p.scores.length) {
      throw new Error(`detection mAP: image ${image} has ${p.boxes.length} boxes but ${p.scores.length} scores`);
    }
    p.boxes.forEach((box, k) => {
      checkBox(box, `detection mAP: image ${image} predicted box ${k}`);
      if (!Number.isFinite(p.scores[k])) throw new Error(`detection mAP: image ${image} score ${k} is ${p.scores[k]}`);
      all.push({ image, box, score: p.scores[k] });
    });
  });
  // Stable sort: equal scores keep image order, then box order — deterministic.
  return all.sort((a, b) => b.score - a.score);
}

/**
 * Average precision of one class at one IoU threshold, greedy VOC matching:
 * detections of all images are ranked by score; each is a true positive when
 * its best-overlapping ground-truth box in the same image has IoU ≥
 * `iouThreshold` and was not matched by a higher-ranked detection, otherwise
 * a false positive (it does not fall back to its second-best box).
 *
 * @param predictions [N images] detections
 * @param groundTruth [N images] true boxes
 * @returns AP in [0, 1]; NaN when there is no ground-truth box at all.
 */
export function averagePrecision(
  predictions: ImageDetections[],
  groundTruth: Box[][],
  iouThreshold: number,
  options: ApOptions = {},
): number {
  const curve = precisionRecallCurve(predictions, groundTruth, iouThreshold);
  if (curve.totalPositives === 0) return Number.NaN;
  return areaUnderEnvelope(curve.precision, curve.recall, options.interpolation ?? 'all-point');
}

/**
 * Precision and recall after each ranked detection, for one IoU threshold.
 *
 * @returns `precision[k]`, `recall[k]` after the k+1 best detections, and the number of ground-truth boxes.
 */
export function precisionRecallCurve(
  predictions: ImageDetections[],
  groundTruth: Box[][],
  iouThreshold: number,
): { precision: number[]; recall: number[]; totalPositives: number } {
  if (predictions.length !== groundTruth.length) {
    throw new Error(`detection mAP: ${predictions.length} images of predictions but ${groundTruth.length} of ground truth`);
  }
  if (!(iouThreshold > 0 && iouThreshold <= 1)) {
    throw new Error(`detection mAP: IoU threshold ${iouThreshold} is outside (0, 1]`);
  }
  let totalPositives = 0;
  groundTruth.forEach((boxes, image) => {
    boxes.forEach((b, k) => checkBox(b, `detection mAP: image ${image} ground-truth box ${k}`));
    totalPositives += boxes.length;
  });
  const matched = groundTruth.map((boxes) => new Array<boolean>(boxes.length).fill(false));
  const precision: number[] = [];
  const recall: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const d of rankDetections(predictions)) {
    let best = -1;
    let bestIou = 0;
    groundTruth[d.image].forEach((g, k) => {
      const iou = boxIou(d.box, g);
      if (iou > bestIou) {
        bestIou = iou;
        best = k;
      }
    });
    if (best >= 0 && bestIou >= iouThreshold && !matched[d.image][best]) {
      matched[d.image][best] = true;
      tp++;
    } else {
      fp++;
    }
    precision.push(tp / (tp + fp));
    recall.push(totalPositives ? tp / totalPositives : 0);
  }
  return { precision, recall, totalPositives };
}

function areaUnderEnvelope(precision: number[], recall: number[], interpolation: ApInterpolation): number {
  // Monotone envelope: precision at recall r is the best precision at any recall ≥ r.
  const envelope = precision.slice();
  for (let k = envelope.length - 2; k >= 0; k--) envelope[k] = Math.max(envelope[k], envelope[k + 1]);
  if (interpolation === 'all-point') {
    let ap = 0;
    let previousRecall = 0;
    for (let k = 0; k < recall.length; k++) {
      if (recall[k] > previousRecall) {
        ap += (recall[k] - previousRecall) * envelope[k];
        previousRecall = recall[k];
      }
    }
    return ap;
  }
  if (interpolation === 'coco-101') {
    let sum = 0;
    let k = 0;
    for (let s = 0; s <= 100; s++) {
      const r = s / 100;
      while (k < recall.length && recall[k] < r - 1e-12) k++;
      sum += k < recall.length ? envelope[k] : 0;
    }
    return sum / 101;
  }
  throw new Error(`detection mAP: unknown interpolation '${String(interpolation)}' (use 'all-point' or 'coco-101')`);
}

/**
 * The paper's detection metric (RSNA Pneumonia, one class): AP averaged over
 * the IoU thresholds 0.40:0.05:0.75, VOC all-point interpolation by default.
 *
 * @param predictions [N images] detections
 * @param groundTruth [N images] true boxes
 * @param thresholds IoU thresholds, {@link RSNA_IOU_THRESHOLDS} by default
 * @returns `perThreshold[t]` AP and their `mean` (NaN without ground truth).
 */
export function detectionMap(
  predictions: ImageDetections[],
  groundTruth: Box[][],
  thresholds: readonly number[] = RSNA_IOU_THRESHOLDS,
  options: ApOptions = {},
): { perThreshold: number[]; mean: number } {
  if (thresholds.length === 0) throw new Error('detectionMap: no IoU thresholds');
  const perThreshold = thresholds.map((t) => averagePrecision(predictions, groundTruth, t, options));
  return { perThreshold, mean: perThreshold.reduce((a, b) => a + b, 0) / perThreshold.length };
}
