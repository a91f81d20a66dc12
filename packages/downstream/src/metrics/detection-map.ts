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

/** How a ranked detection is matched to a true box of its image. */
export type ApMatching = 'voc' | 'coco';

/** Options of {@link averagePrecision} and {@link detectionMap}. */
export interface ApOptions {
  /**
   * `all-point` (default): PASCAL VOC 2010+ — the area under the monotone
   * precision envelope, summed at every recall step. `coco-101`: the mean of
   * the envelope sampled at recall 0, 0.01, …, 1 (COCO / torchmetrics).
   */
  interpolation?: ApInterpolation;
  /**
   * `voc` (default): a detection takes its best-overlapping true box; if that box
   * is already matched (or the IoU is below the threshold) it is a false positive.
   * `coco` (pycocotools' `evaluateImg`, which torchmetrics follows): a detection takes the
   * best-overlapping true box among those still unmatched with IoU ≥ the threshold, and
   * each image keeps only its `maxDetections` best-scoring detections.
   */
  matching?: ApMatching;
  /** `coco` matching: detections kept per image, best first (default 100, COCO's `maxDets`). */
  maxDetections?: number;
}

/** The IoU thresholds of the paper's detection metric: 0.40, 0.45, …, 0.75 (8 thresholds, step 0.05). */
export const RSNA_IOU_THRESHOLDS: readonly number[] = Object.freeze(Array.from({ length: 8 }, (_, k) => Math.round((0.4 + 0.05 * k) * 100) / 100));

interface RankedDetection {
  image: number;
  box: Box;
  score: number;
}

function rankDetections(predictions: ImageDetections[], perImageCap = Number.POSITIVE_INFINITY): RankedDetection[] {
  const all: RankedDetection[] = [];
  predictions.forEach((p, image) => {
    if (p.boxes.length !== p.scores.length) {
      throw new Error(`detection mAP: image ${image} has ${p.boxes.length} boxes but ${p.scores.length} scores`);
    }
    const own: RankedDetection[] = [];
    p.boxes.forEach((box, k) => {
      checkBox(box, `detection mAP: image ${image} predicted box ${k}`);
      if (!Number.isFinite(p.scores[k])) throw new Error(`detection mAP: image ${image} score ${k} is ${p.scores[k]}`);
      own.push({ image, box, score: p.scores[k] });
    });
    // Per image best first (stable), cut at the cap — COCO's maxDets; no cut for VOC.
    if (Number.isFinite(perImageCap)) own.sort((a, b) => b.score - a.score).splice(perImageCap);
    all.push(...own);
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
export function averagePrecision(predictions: ImageDetections[], groundTruth: Box[][], iouThreshold: number, options: ApOptions = {}): number {
  const curve = precisionRecallCurve(predictions, groundTruth, iouThreshold, options);
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
  options: Pick<ApOptions, 'matching' | 'maxDetections'> = {},
): { precision: number[]; recall: number[]; totalPositives: number } {
  const matching = options.matching ?? 'voc';
  if (matching !== 'voc' && matching !== 'coco') throw new Error(`detection mAP: unknown matching '${String(matching)}' (use 'voc' or 'coco')`);
  const cap = matching === 'coco' ? (options.maxDetections ?? 100) : Number.POSITIVE_INFINITY;
  if (!(cap >= 1)) throw new Error(`detection mAP: maxDetections must be ≥ 1, got ${cap}`);
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
  for (const d of rankDetections(predictions, cap)) {
    let best = -1;
    let bestIou = 0;
    if (matching === 'coco') {
      // pycocotools: the unmatched true box with the highest IoU ≥ the threshold (a later box with an equal IoU wins).
      let bar = Math.min(iouThreshold, 1 - 1e-10);
      groundTruth[d.image].forEach((g, k) => {
        if (matched[d.image][k]) return;
        const iou = boxIou(d.box, g);
        if (iou < bar) return;
        bar = iou;
        best = k;
        bestIou = iou;
      });
    } else {
      groundTruth[d.image].forEach((g, k) => {
        const iou = boxIou(d.box, g);
        if (iou > bestIou) {
          bestIou = iou;
          best = k;
        }
      });
    }
    const hit = matching === 'coco' ? best >= 0 : best >= 0 && bestIou >= iouThreshold && !matched[d.image][best];
    if (hit) {
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

/** Options of {@link authorsDetectionMap}. */
export interface AuthorsMapOptions {
  /** IoU thresholds (default {@link RSNA_IOU_THRESHOLDS}). */
  thresholds?: readonly number[];
}

/**
 * The detection mAP as the authors' evaluation computes it (their `train.py`: torchmetrics'
 * `MeanAveragePrecision(iou_thresholds=[0.4 … 0.75])` fed per batch): only images that have
 * a true box **and** a non-empty output after their NMS (objectness ≥ 0.5) are scored, with
 * COCO matching (at most 100 detections per image) and 101-point interpolation, averaged over
 * the thresholds. Give it detections decoded the authors' way (score = σ(objectness),
 * threshold 0.5, no clipping). Images with no output are left out, so a detector that stays
 * silent on hard images is not penalised for them: compare it only with numbers computed the
 * same way.
 *
 * @returns the mean, AP per threshold, and how many images were scored
 */
export function authorsDetectionMap(
  predictions: ImageDetections[],
  groundTruth: Box[][],
  options: AuthorsMapOptions = {},
): { perThreshold: number[]; mean: number; images: number } {
  if (predictions.length !== groundTruth.length) {
    throw new Error(`authorsDetectionMap: ${predictions.length} images of predictions but ${groundTruth.length} of ground truth`);
  }
  const kept = groundTruth.map((_, i) => i).filter((i) => groundTruth[i].length > 0 && predictions[i].boxes.length > 0);
  const r = detectionMap(
    kept.map((i) => predictions[i]),
    kept.map((i) => groundTruth[i]),
    options.thresholds ?? RSNA_IOU_THRESHOLDS,
    { interpolation: 'coco-101', matching: 'coco', maxDetections: 100 },
  );
  return { ...r, images: kept.length };
}
