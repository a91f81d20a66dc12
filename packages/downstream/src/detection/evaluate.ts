import { tf } from '@ecamp/core';
import type { FeatureEncoder } from '../encoder.js';
import type { Box } from '../metrics/box.js';
import { authorsDetectionMap, detectionMap, RSNA_IOU_THRESHOLDS, type ApOptions } from '../metrics/detection-map.js';
import { frozenFeatureMap } from '../segmentation/fit.js';
import { AUTHORS_DECODE, decodeDetections, type DecodedDetections, type DecodeOptions } from './decode.js';
import type { DetectionBatch, DetectionModel } from './fit.js';

/** Options of {@link evaluateDetection}. */
export interface EvaluateDetectionOptions {
  /** The frozen vision encoder. */
  encoder: FeatureEncoder;
  /** The trained head. */
  head: DetectionModel;
  /** Evaluation batches (images disposed after use). */
  batches: Iterable<DetectionBatch> | AsyncIterable<DetectionBatch>;
  /** Score threshold, NMS IoU and cap (defaults 0.01, 0.5, 100). */
  decode?: DecodeOptions;
  /** IoU thresholds of the mAP (default 0.40:0.05:0.75). */
  iouThresholds?: readonly number[];
  /** AP interpolation and matching (default VOC all-point, VOC matching). */
  ap?: ApOptions;
  /** Also score the authors' mAP ({@link authorsDetectionMap} on {@link AUTHORS_DECODE} detections). Default false. */
  authors?: boolean;
}

/** Metrics of {@link evaluateDetection}. */
export interface DetectionEvaluation {
  /** Images seen. */
  count: number;
  /** The paper's metric: AP averaged over the IoU thresholds. */
  map: number;
  /** AP at each threshold. */
  perThreshold: number[];
  /** The decoded detections of every image, in order. */
  detections: DecodedDetections[];
  /** The true boxes of every image, in order. */
  truth: Box[][];
  /**
   * With `authors`: the authors' mAP (COCO matching, 101-point interpolation, objectness ≥ 0.5,
   * only images with a true box and a non-empty output), its AP per threshold, the images it
   * scored, and the detections it used.
   */
  authors?: { map: number; perThreshold: number[]; images: number; detections: DecodedDetections[] };
}

/**
 * Run encoder and head in evaluation mode, decode with NMS and score mAP over every test image
 * (single class; class labels are not matched); with `authors` also the authors' mAP.
 */
export async function evaluateDetection(options: EvaluateDetectionOptions): Promise<DetectionEvaluation> {
  const { encoder, head, batches } = options;
  encoder.train?.(false);
  head.eval();
  const detections: DecodedDetections[] = [];
  const authorsDetections: DecodedDetections[] = [];
  const truth: Box[][] = [];
  for await (const batch of batches) {
    try {
      const outputs = tf.tidy(() => head.forward(frozenFeatureMap(encoder, batch.images)));
      try {
        detections.push(...decodeDetections(outputs, head.config, options.decode));
        if (options.authors) authorsDetections.push(...decodeDetections(outputs, head.config, AUTHORS_DECODE));
      } finally {
        tf.dispose(outputs);
      }
      truth.push(...batch.boxes);
    } finally {
      batch.images.dispose();
    }
  }
  const thresholds = options.iouThresholds ?? RSNA_IOU_THRESHOLDS;
  const r = detectionMap(detections, truth, thresholds, options.ap);
  const result: DetectionEvaluation = { count: truth.length, map: r.mean, perThreshold: r.perThreshold, detections, truth };
  if (options.authors) {
    const a = authorsDetectionMap(authorsDetections, truth, { thresholds });
    result.authors = { map: a.mean, perThreshold: a.perThreshold, images: a.images, detections: authorsDetections };
  }
  return result;
}
