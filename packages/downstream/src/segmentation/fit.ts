import { Rng, tf } from '@ecamp/core';
import { prefixTokens, tokensToFeatureMap, type FeatureEncoder } from '../encoder.js';
import { fitEncoderHead, type DownstreamFitOptions, type DownstreamFitResult } from '../training/fit.js';
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

/** Options of {@link fitSegmenter} (encoder, batches, epochs, optimiser, rng and hooks: {@link DownstreamFitOptions}). */
export interface FitSegmenterOptions extends DownstreamFitOptions<SegmentationBatch, SegmenterProgress> {
  /** The decoder to train. */
  decoder: SegmentationDecoder;
  /**
   * Fine-tune the encoder too (its parameters go to the optimiser as `encoder.<name>` and the
   * features are computed on the gradient tape). Default false: the paper's frozen encoder.
   */
  trainEncoder?: boolean;
  /** Loss weights (default 10·focal(γ=2) − log soft Dice). */
  loss?: SegmentationLossOptions;
}

/** What {@link fitSegmenter} did (steps, skips, epochs run, losses; `dispose()` frees the optimiser state). */
export type FitSegmenterResult = DownstreamFitResult;

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

/**
 * Train a segmentation decoder on a frozen encoder (the paper's protocol):
 * the encoder runs in evaluation mode outside the gradient tape, only the
 * decoder's trainable parameters go to the optimiser (AdamW by default), and the loss is
 * 10·focal(γ = 2) − log(soft Dice). With `trainEncoder` the encoder trains too.
 * Leak-free per step after the first.
 */
export async function fitSegmenter(options: FitSegmenterOptions): Promise<FitSegmenterResult> {
  const { encoder, decoder } = options;
  return fitEncoderHead({
    ...options,
    head: decoder,
    release: (batch) => tf.dispose([batch.images, batch.masks]),
    prepare: (batch) => {
      const features = options.trainEncoder ? null : frozenFeatureMap(encoder, batch.images);
      return {
        frozen: features,
        loss: () => {
          const logits = decoder.forward(features ?? encoderFeatureMap(encoder, batch.images));
          if (!tf.util.arraysEqual(logits.shape, batch.masks.shape)) {
            throw new Error(`fitSegmenter: decoder output [${logits.shape}] but masks [${batch.masks.shape}]`);
          }
          return segmentationLoss(logits, batch.masks, options.loss);
        },
      };
    },
  });
}
