import { tf } from '@ecamp/core';
import type { FeatureEncoder } from '../encoder.js';
import type { Box } from '../metrics/box.js';
import { detectionMap, RSNA_IOU_THRESHOLDS, type ApOptions } from '../metrics/detection-map.js';
import { frozenFeatureMap } from '../segmentation/fit.js';
import { decodeDetections, type DecodedDetections, type DecodeOptions } from './decode.js';
import type { DetectionBatch } from './fit.js';
import type { DetectionHead } from './head.js';

/** Options of {@link evaluateDetection}. */
export interface EvaluateDetectionOptions {
  /** The frozen vision encoder. */
  encoder: FeatureEncoder;
  /** The trained head. */
  head: DetectionHead;
  /** Evaluation batches (images disposed after use). */
  batches: Iterable<DetectionBatch> | AsyncIterable<DetectionBatch>;
  /** Score threshold, NMS IoU and cap (defaults 0.01, 0.5, 100). */
  decode?: DecodeOptions;
  /** IoU thresholds of the mAP (default 0.40:0.05:0.75). */
  iouThresholds?: readonly number[];
  /** AP interpolation (default VOC all-point). */
  ap?: ApOptions;
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
}

/** Run encoder and head in evaluation mode, decode with NMS and score mAP (single class; class labels are not matched). */
export async function evaluateDetection(options: EvaluateDetectionOptions): Promise<DetectionEvaluation> {
  const { encoder, head, batches } = options;
  encoder.train?.(false);
  head.eval();
  const detections: DecodedDetections[] = [];
  const truth: Box[][] = [];
  for await (const batch of batches) {
    try {
      const outputs = tf.tidy(() => head.forward(frozenFeatureMap(encoder, batch.images)));
      try {
        detections.push(...decodeDetections(outputs, head.config, options.decode));
      } finally {
        tf.dispose(outputs);
      }
      truth.push(...batch.boxes);
    } finally {
      batch.images.dispose();
    }
  }
  const r = detectionMap(detections, truth, options.iouThresholds ?? RSNA_IOU_THRESHOLDS, options.ap);
  return { count: truth.length, map: r.mean, perThreshold: r.perThreshold, detections };
}
