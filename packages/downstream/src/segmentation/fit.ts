import { AdamW, Rng, tf, trainStep } from '@ecamp/core';
import { prefixTokens, tokensToFeatureMap, type FeatureEncoder } from '../encoder.js';
import { createOptimiser, type OptimiserSettings } from '../training/optimiser.js';
import type { EpochEndHook } from '../training/epoch-hook.js';
import { runTrainingLoop } from '../training/loop.js';
import type { SegmentationDecoder } from './decoder.js';
import { segmentationLoss, type SegmentationLossOptions } from './mixed-loss.js';
import type { StepProgress } from '../training/progress.js';

/** One segmentation batch. */
export interface SegmentationBatch {
  /** [B, H, W, 3] normalised images. The loops take ownership and dispose it after use. */
  images: tf.Tensor4D;
  /** [B, H, W, numClasses] 0/1 masks at the decoder's output resolution. Disposed after use too. */
  masks: tf.Tensor4D;
}

/** Batches of one epoch; `rng` is a per-epoch stream for shuffling and augmentation. */
export type SegmentationBatches = (epoch: number, rng: Rng) => Iterable<SegmentationBatch> | AsyncIterable<SegmentationBatch>;

/** Reported after every step. */
export type SegmenterProgress = StepProgress;

/** Options of {@link fitSegmenter}. */
export interface FitSegmenterOptions {
  /** The pre-trained vision encoder (frozen: never updated). */
  encoder: FeatureEncoder;
  /** The decoder to train. */
  decoder: SegmentationDecoder;
  /** Source of each epoch's batches. */
  batches: SegmentationBatches;
  /** Number of passes. */
  epochs: number;
  /** AdamW and schedule. */
  optimiser: OptimiserSettings;
  /** Seeds the per-epoch batch streams (`rng.fork('epoch:<e>')`). */
  rng: Rng;
  /** Loss weights (default 10·focal(γ=2) − log soft Dice). */
  loss?: SegmentationLossOptions;
  /** Called after each step. */
  onProgress?: (progress: SegmenterProgress) => void;
  /** Called after each epoch (validation, checkpoints); return `'stop'` to end early. */
  onEpochEnd?: EpochEndHook;
}

/** What {@link fitSegmenter} did. */
export interface FitSegmenterResult {
  /** Optimiser steps applied. */
  steps: number;
  /** Steps skipped by the non-finite guard. */
  skipped: number;
  /** Epochs completed (fewer than asked when `onEpochEnd` stopped early). */
  epochsRun: number;
  /** Loss per step, in order. */
  losses: number[];
  /** The optimiser (moments stay allocated until `dispose()`). */
  optimiser: AdamW;
  /** Free the optimiser state. */
  dispose(): void;
}

/**
 * The frozen-encoder feature map of a batch, computed outside any gradient tape.
 * @param images [B, H, W, 3] @returns [B, grid, grid, D]
 */
export function frozenFeatureMap(encoder: FeatureEncoder, images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tokensToFeatureMap(encoder.forwardFeatures(images).tokens, encoder.gridSize, prefixTokens(encoder)));
}

/**
 * Train a segmentation decoder on a frozen encoder (the paper's protocol):
 * the encoder runs in evaluation mode outside the gradient tape, only the
 * decoder's trainable parameters go to AdamW, and the loss is
 * 10·focal(γ = 2) − log(soft Dice). Leak-free per step after the first.
 */
export async function fitSegmenter(options: FitSegmenterOptions): Promise<FitSegmenterResult> {
  const { encoder, decoder, batches, epochs, rng, onProgress } = options;
  const params = decoder.namedParameters();
  const { optimiser, lrAt } = createOptimiser(params, options.optimiser, epochs);
  encoder.train?.(false);
  decoder.train(true);
  const run = await runTrainingLoop({
    epochs,
    optimiser,
    onEpochEnd: options.onEpochEnd,
    batchesOf: (epoch) => batches(epoch, rng.fork(`epoch:${epoch}`)),
    release: (batch) => tf.dispose([batch.images, batch.masks]),
    step: (batch, step, epoch) => {
      const features = frozenFeatureMap(encoder, batch.images);
      try {
        const lr = lrAt(step);
        const report = trainStep(
          params,
          () => {
            const logits = decoder.forward(features);
            if (!tf.util.arraysEqual(logits.shape, batch.masks.shape)) {
              throw new Error(`fitSegmenter: decoder output [${logits.shape}] but masks [${batch.masks.shape}]`);
            }
            return segmentationLoss(logits, batch.masks, options.loss);
          },
          optimiser,
          { lr, maxGradNorm: options.optimiser.maxGradNorm },
        );
        onProgress?.({ epoch, step, loss: report.loss, lr, gradNorm: report.gradNorm, applied: report.applied });
        return report;
      } finally {
        features.dispose();
      }
    },
  });
  return { ...run, optimiser, dispose: () => optimiser.dispose() };
}
