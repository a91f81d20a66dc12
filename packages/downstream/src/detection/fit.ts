import { Rng, tf, type Parameter } from '@ecamp/core';
import type { FeatureEncoder } from '../encoder.js';
import type { Box } from '../metrics/box.js';
import { encoderFeatureMap, frozenFeatureMap, headAndEncoderParameters } from '../segmentation/fit.js';
import { createDownstreamOptimiser, learningRateSchedule, type DownstreamOptimiser, type OptimiserSettings } from '../training/optimiser.js';
import { groupedTrainStep } from '../training/layer-decay.js';
import type { DetectionConfig } from './anchors.js';
import type { EpochEndHook } from '../training/epoch-hook.js';
import { runTrainingLoop } from '../training/loop.js';
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

/** Options of {@link fitDetector}. */
export interface FitDetectorOptions {
  /** The pre-trained vision encoder (frozen unless `trainEncoder`). */
  encoder: FeatureEncoder;
  /** The head to train. */
  head: DetectionModel;
  /** Source of each epoch's batches. */
  batches: DetectionBatches;
  /** Number of passes. */
  epochs: number;
  /** Optimiser (AdamW by default, or SGD) and schedule. */
  optimiser: OptimiserSettings;
  /** Fine-tune the encoder too (parameters as `encoder.<name>`). Default false: the paper's frozen encoder. */
  trainEncoder?: boolean;
  /** Seeds the per-epoch batch streams. */
  rng: Rng;
  /** Ignore threshold of the objectness loss (default 0.5). */
  loss?: YoloLossOptions;
  /** Called after each step. */
  onProgress?: (progress: DetectorProgress) => void;
  /** Called after each epoch (validation, checkpoints); return `'stop'` to end early. */
  onEpochEnd?: EpochEndHook;
}

/** What {@link fitDetector} did. */
export interface FitDetectorResult {
  /** Optimiser steps applied. */
  steps: number;
  /** Steps skipped by the non-finite guard. */
  skipped: number;
  /** Epochs completed (fewer than asked when `onEpochEnd` stopped early). */
  epochsRun: number;
  /** Loss per step. */
  losses: number[];
  /** The optimiser (its state stays allocated until `dispose()`). */
  optimiser: DownstreamOptimiser;
  /** Free the optimiser state. */
  dispose(): void;
}

/**
 * Train a YOLOv3-style head on a frozen encoder (the paper's detection
 * protocol): features outside the gradient tape, only the head's trainable
 * parameters in the optimiser (AdamW by default), {@link yoloLoss} against {@link assignTargets}.
 * Leak-free per step after the first.
 */
export async function fitDetector(options: FitDetectorOptions): Promise<FitDetectorResult> {
  const { encoder, head, batches, epochs, rng, onProgress } = options;
  const trainEncoder = options.trainEncoder ?? false;
  const params = headAndEncoderParameters(head, encoder, trainEncoder);
  const optimiser = createDownstreamOptimiser(params, options.optimiser);
  const lrAt = learningRateSchedule(options.optimiser, epochs);
  encoder.train?.(trainEncoder);
  head.train(true);
  const run = await runTrainingLoop({
    epochs,
    optimiser,
    onEpochEnd: options.onEpochEnd,
    batchesOf: (epoch) => batches(epoch, rng.fork(`epoch:${epoch}`)),
    release: (batch) => batch.images.dispose(),
    step: (batch, step, epoch) => {
      if (batch.boxes.length !== batch.images.shape[0]) {
        throw new Error(`fitDetector: batch has ${batch.images.shape[0]} images but boxes for ${batch.boxes.length}`);
      }
      const targets = assignTargets(batch.boxes, head.config, batch.labels);
      const features = trainEncoder ? null : frozenFeatureMap(encoder, batch.images);
      try {
        const lr = lrAt(step);
        const report = groupedTrainStep(
          params,
          () => {
            const parts = yoloLoss(head.forward(features ?? encoderFeatureMap(encoder, batch.images)), targets, batch.boxes, head.config, options.loss);
            return parts.total;
          },
          optimiser,
          lr,
          options.optimiser.maxGradNorm,
        );
        onProgress?.({ epoch, step, loss: report.loss, lr, gradNorm: report.gradNorm, applied: report.applied, collisions: targets.collisions });
        return report;
      } finally {
        features?.dispose();
      }
    },
  });
  return { ...run, optimiser, dispose: () => optimiser.dispose() };
}
