import { Rng, tf, type Parameter } from '@ecamp/core';
import { prefixTokens, tokensToFeatureMap, type FeatureEncoder } from '../encoder.js';
import { createDownstreamOptimiser, learningRateSchedule, type DownstreamOptimiser, type OptimiserSettings } from '../training/optimiser.js';
import { groupedTrainStep } from '../training/layer-decay.js';
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
  /** The pre-trained vision encoder (frozen unless `trainEncoder`). */
  encoder: FeatureEncoder;
  /** The decoder to train. */
  decoder: SegmentationDecoder;
  /** Source of each epoch's batches. */
  batches: SegmentationBatches;
  /** Number of passes. */
  epochs: number;
  /** Optimiser (AdamW by default, or SGD) and schedule. */
  optimiser: OptimiserSettings;
  /**
   * Fine-tune the encoder too (its parameters go to the optimiser as `encoder.<name>` and the
   * features are computed on the gradient tape). Default false: the paper's frozen encoder.
   */
  trainEncoder?: boolean;
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
  /** The optimiser (its state stays allocated until `dispose()`). */
  optimiser: DownstreamOptimiser;
  /** Free the optimiser state. */
  dispose(): void;
}

/**
 * The frozen-encoder feature map of a batch, computed outside any gradient tape.
 * @param images [B, H, W, 3] @returns [B, grid, grid, D]
 */
export function frozenFeatureMap(encoder: FeatureEncoder, images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => encoderFeatureMap(encoder, images));
}

/**
 * The encoder's patch tokens of a batch as a feature map, on whatever gradient tape is active
 * (use inside a loss function to fine-tune the encoder).
 * @param images [B, H, W, 3] @returns [B, grid, grid, D]
 */
export function encoderFeatureMap(encoder: FeatureEncoder, images: tf.Tensor4D): tf.Tensor4D {
  return tokensToFeatureMap(encoder.forwardFeatures(images).tokens, encoder.gridSize, prefixTokens(encoder));
}

/** The decoder's trainable parameters, plus the encoder's as `encoder.<name>` when it trains too. */
export function headAndEncoderParameters(head: { namedParameters(): Parameter[] }, encoder: FeatureEncoder, trainEncoder: boolean): Parameter[] {
  const own = head.namedParameters().filter((p) => p.variable.trainable);
  if (!trainEncoder) return own;
  return [...encoder.namedParameters().filter((p) => p.variable.trainable).map((p) => ({ ...p, name: `encoder.${p.name}` })), ...own];
}

/**
 * Train a segmentation decoder on a frozen encoder (the paper's protocol):
 * the encoder runs in evaluation mode outside the gradient tape, only the
 * decoder's trainable parameters go to the optimiser (AdamW by default), and the loss is
 * 10·focal(γ = 2) − log(soft Dice). With `trainEncoder` the encoder trains too.
 * Leak-free per step after the first.
 */
export async function fitSegmenter(options: FitSegmenterOptions): Promise<FitSegmenterResult> {
  const { encoder, decoder, batches, epochs, rng, onProgress } = options;
  const trainEncoder = options.trainEncoder ?? false;
  const params = headAndEncoderParameters(decoder, encoder, trainEncoder);
  const optimiser = createDownstreamOptimiser(params, options.optimiser);
  const lrAt = learningRateSchedule(options.optimiser, epochs);
  encoder.train?.(trainEncoder);
  decoder.train(true);
  const run = await runTrainingLoop({
    epochs,
    optimiser,
    onEpochEnd: options.onEpochEnd,
    batchesOf: (epoch) => batches(epoch, rng.fork(`epoch:${epoch}`)),
    release: (batch) => tf.dispose([batch.images, batch.masks]),
    step: (batch, step, epoch) => {
      const features = trainEncoder ? null : frozenFeatureMap(encoder, batch.images);
      try {
        const lr = lrAt(step);
        const report = groupedTrainStep(
          params,
          () => {
            const logits = decoder.forward(features ?? encoderFeatureMap(encoder, batch.images));
            if (!tf.util.arraysEqual(logits.shape, batch.masks.shape)) {
              throw new Error(`fitSegmenter: decoder output [${logits.shape}] but masks [${batch.masks.shape}]`);
            }
            return segmentationLoss(logits, batch.masks, options.loss);
          },
          optimiser,
          lr,
          options.optimiser.maxGradNorm,
        );
        onProgress?.({ epoch, step, loss: report.loss, lr, gradNorm: report.gradNorm, applied: report.applied });
        return report;
      } finally {
        features?.dispose();
      }
    },
  });
  return { ...run, optimiser, dispose: () => optimiser.dispose() };
}
