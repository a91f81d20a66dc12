import { tf } from '@ecamp/core';
import type { ImageDetections } from '../metrics/detection-map.js';
import { checkDetectionConfig, type DetectionConfig } from './anchors.js';
import { decodeBox } from './box-coding.js';
import { nonMaxSuppression, type NmsOptions } from './nms.js';

/** Detections of one image, with class indices. */
export interface DecodedDetections extends ImageDetections {
  /** [K] class index of each box. */
  labels: number[];
}

/** What a decoded box's confidence is. */
export type DetectionScore = 'objectness-class' | 'objectness';

/** Options of {@link decodeDetections}. */
export interface DecodeOptions extends NmsOptions {
  /** Clip boxes to the image (default true). */
  clip?: boolean;
  /**
   * `objectness-class` (default): σ(objectness)·σ(best class logit). `objectness`: σ(objectness)
   * alone, as the authors' YOLOv3 post-processing (their `non_max_suppression` thresholds and
   * ranks by the objectness confidence).
   */
  score?: DetectionScore;
}

/** The authors' post-processing: σ(objectness) ≥ 0.5, class-wise NMS at IoU 0.5, no clipping (100 boxes kept per image, as COCO's maxDets). */
export const AUTHORS_DECODE: Readonly<DecodeOptions> = Object.freeze({
  score: 'objectness',
  scoreThreshold: 0.5,
  iouThreshold: 0.5,
  clip: false,
  maxDetections: 100,
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Every anchor's box of one image with score σ(objectness)·σ(class logit) of
 * its best class (or σ(objectness) alone with `score: 'objectness'`), before any filtering. Raw output layout per cell: anchor a
 * occupies channels a·(5 + C) … a·(5 + C) + 4 + C as (t_x, t_y, t_w, t_h, obj, classes…).
 *
 * @param outputs per scale [S·S·A·(5 + C)] values of one image
 */
export function decodeAll(outputs: ArrayLike<number>[], config: DetectionConfig, score: DetectionScore = 'objectness-class'): DecodedDetections {
  if (score !== 'objectness-class' && score !== 'objectness')
    throw new Error(`decodeDetections: unknown score '${String(score)}' (use 'objectness-class' or 'objectness')`);
  const c = config.numClasses;
  const stride = 5 + c;
  const boxes: Array<[number, number, number, number]> = [];
  const scores: number[] = [];
  const labels: number[] = [];
  config.scales.forEach((scale, si) => {
    const values = outputs[si];
    const anchors = scale.anchors.length;
    if (values.length !== scale.grid * scale.grid * anchors * stride) {
      throw new Error(`decodeDetections: scale ${si} has ${values.length} values, expected ${scale.grid}²·${anchors}·${stride}`);
    }
    for (let row = 0; row < scale.grid; row++) {
      for (let col = 0; col < scale.grid; col++) {
        for (let a = 0; a < anchors; a++) {
          const o = ((row * scale.grid + col) * anchors + a) * stride;
          let best = 0;
          for (let k = 1; k < c; k++) if (values[o + 5 + k] > values[o + 5 + best]) best = k;
          boxes.push(decodeBox([values[o], values[o + 1], values[o + 2], values[o + 3]], row, col, scale.grid, config.imageSize, scale.anchors[a]));
          scores.push(score === 'objectness' ? sigmoid(values[o + 4]) : sigmoid(values[o + 4]) * sigmoid(values[o + 5 + best]));
          labels.push(best);
        }
      }
    }
  });
  return { boxes, scores, labels };
}

/**
 * Turn raw head outputs into final detections per image: decode every anchor,
 * drop scores below `scoreThreshold` (default 0.01), clip to the image, then
 * class-wise greedy NMS (IoU > 0.5 suppressed) keeping at most
 * `maxDetections` (default 100) boxes per image, best first.
 *
 * @param outputs one [B, S, S, A·(5 + C)] tensor per scale (not disposed)
 * @returns [B] detections
 */
export function decodeDetections(outputs: tf.Tensor[], config: DetectionConfig, options: DecodeOptions = {}): DecodedDetections[] {
  checkDetectionConfig(config);
  if (outputs.length !== config.scales.length) throw new Error(`decodeDetections: ${outputs.length} outputs for ${config.scales.length} scales`);
  const { clip = true, scoreThreshold = 0.01, iouThreshold = 0.5, maxDetections = 100, score = 'objectness-class' } = options;
  const batch = outputs[0].shape[0];
  const data = outputs.map((t) => t.dataSync());
  const result: DecodedDetections[] = [];
  for (let b = 0; b < batch; b++) {
    const perImage = data.map((d) => {
      const n = d.length / batch;
      return d.subarray(b * n, (b + 1) * n);
    });
    const all = decodeAll(perImage, config, score);
    const s = config.imageSize;
    const keep: number[] = [];
    for (let i = 0; i < all.scores.length; i++) {
      if (all.scores[i] < scoreThreshold) continue;
      if (clip) {
        const box = all.boxes[i] as [number, number, number, number];
        all.boxes[i] = [Math.max(0, Math.min(s, box[0])), Math.max(0, Math.min(s, box[1])), Math.max(0, Math.min(s, box[2])), Math.max(0, Math.min(s, box[3]))];
      }
      keep.push(i);
    }
    const kept: number[] = [];
    for (let c = 0; c < config.numClasses; c++) {
      const ofClass = keep.filter((i) => all.labels[i] === c);
      const chosen = nonMaxSuppression(
        ofClass.map((i) => all.boxes[i]),
        ofClass.map((i) => all.scores[i]),
        { iouThreshold, maxDetections },
      );
      kept.push(...chosen.map((j) => ofClass[j]));
    }
    kept.sort((i, j) => all.scores[j] - all.scores[i] || i - j);
    const final = kept.slice(0, maxDetections);
    result.push({ boxes: final.map((i) => all.boxes[i]), scores: final.map((i) => all.scores[i]), labels: final.map((i) => all.labels[i]) });
  }
  return result;
}
