import { Rng, tf, type Parameter } from '@ecamp/core';
import type { Box } from '../metrics/box.js';
import { encoderFeatureMap, frozenFeatureMap } from '../segmentation/fit.js';
import type { DetectionConfig } from './anchors.js';
import { fitEncoderHead, type DownstreamFitOptions, type DownstreamFitResult } from '../training/fit.js';
import { assignTargets } from './targets.js';
import { yoloLoss, type YoloLossOptions } from './yolo-loss.js';
import type { StepProgress } from '../training/progress.js';

/** One detection batch. */
export interface DetectionBatch {
  /** [B, H, W, 3] normalised images (H = W = the config's image size). Disposed after use. */
  images: tf.Tensor4D;
  /** [B] true boxes `[x1, y1, x2, y2]` per image, in input pixels (may be empty). */
  boxes: Box[][];
  /** [B] class per box (default all 0). */
  labels?: number[][];
}

/** Batches of one epoch; `rng` is a per-epoch stream for shuffling and augmentation. */
export type DetectionBatches = (epoch: number, rng: Rng) => Iterable<DetectionBatch> | AsyncIterable<DetectionBatch>;

/** Reported after every step. */
export interface DetectorProgress extends StepProgress {
  /** Boxes that lost their anchor slot to another box of the same image in this batch. */
  collisions: number;
}

/**
 * What the detection loops need of a head: `DetectionHead` (one conv block per scale) and
 * `YoloNeckHead` (the authors' YOLOv3 neck) both are one.
 */
export interface DetectionModel {
  /** Geometry: image size, scales (finest first) with their anchors, classes. */
  readonly config: DetectionConfig;
  /** @param features [B, g, g, D] @returns one [B, S, S, A·(5 + C)] tensor per scale, finest first */
  forward(features: tf.Tensor4D): tf.Tensor4D[];
  namedParameters(): Parameter[];
  train(on?: boolean): unknown;
  eval(): unknown;
}

/** Options of {@link fitDetector} (encoder, batches, epochs, optimiser, rng and hooks: {@link DownstreamFitOptions}). */
export interface FitDetectorOptions extends DownstreamFitOptions<DetectionBatch, DetectorProgress> {
  /** The head to train. */
  head: DetectionModel;
  /**
   * Fine-tune the encoder too (its parameters go to the optimiser as `encoder.<name>` and the
   * features are computed on the gradient tape). Default false: the paper's frozen encoder.
   */
  trainEncoder?: boolean;
  /** Ignore threshold of the objectness loss (default 0.5). */
  loss?: YoloLossOptions;
}

/** What {@link fitDetector} did (steps, skips, epochs run, losses; `dispose()` frees the optimiser state). */
export type FitDetectorResult = DownstreamFitResult;

/**
 * Train a YOLOv3-style head on a frozen encoder (the paper's detection
 * protocol): features outside the gradient tape, only the head's trainable
 * parameters in the optimiser (AdamW by default), {@link yoloLoss} against {@link assignTargets}.
 * Leak-free per step after the first.
 */
export async function fitDetector(options: FitDetectorOptions): Promise<FitDetectorResult> {
  const { encoder, head } = options;
  return fitEncoderHead({
    ...options,
    release: (batch) => batch.images.dispose(),
    prepare: (batch) => {
      if (batch.boxes.length !== batch.images.shape[0]) {
        throw new Error(`fitDetector: batch has ${batch.images.shape[0]} images but boxes for ${batch.boxes.length}`);
      }
      const targets = assignTargets(batch.boxes, head.config, batch.labels);
      const features = options.trainEncoder ? null : frozenFeatureMap(encoder, batch.images);
      return {
        frozen: features,
        loss: () => {
          const parts = yoloLoss(head.forward(features ?? encoderFeatureMap(encoder, batch.images)), targets, batch.boxes, head.config, options.loss);
          return parts.total;
        },
        progress: { collisions: targets.collisions },
      };
    },
  });
}
