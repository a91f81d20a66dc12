import { Rng, tf, type Parameter } from '@ecamp/core';
import type { OptimiserSettings } from '../training/optimiser.js';
import { vitLayerScales } from '../training/layer-decay.js';
import { fitEncoderHead, type DownstreamFitOptions, type DownstreamFitResult } from '../training/fit.js';
import type { FeatureEncoder } from '../encoder.js';
import type { ClassificationHead } from './head.js';
import { classificationLoss, labelRows, type BatchLabels, type ClassificationTask } from './task.js';
import type { StepProgress } from '../training/progress.js';

/** One training or evaluation batch. */
export interface ClassificationBatch {
  /** [B, H, W, 3] normalised images. The loops take ownership and dispose it after use. */
  images: tf.Tensor4D;
  /** Multi-label: [B·C] row-major 0/1; multi-class: [B] class indices. */
  labels: BatchLabels;
}

/** Batches of one epoch; `rng` is a per-epoch stream for shuffling and augmentation. */
export type ClassificationBatches = (epoch: number, rng: Rng) => Iterable<ClassificationBatch> | AsyncIterable<ClassificationBatch>;

/** `finetune`: encoder and head train. `linear-probe`: the encoder is frozen, only the head trains. */
export type ClassificationProtocol = 'finetune' | 'linear-probe';

/** Optimiser settings of {@link fitClassifier}: AdamW (default) or SGD with momentum (`kind: 'sgd'`, the authors' recipe). */
export type ClassifierOptimiserSettings = OptimiserSettings;

/** Reported after every step. */
export type ClassifierProgress = StepProgress;

/** Options of {@link fitClassifier} (encoder, batches, epochs, optimiser, rng and hooks: {@link DownstreamFitOptions}). */
export interface FitClassifierOptions extends DownstreamFitOptions<ClassificationBatch, ClassifierProgress> {
  /** The head to train (see {@link ClassificationHead}). */
  head: ClassificationHead;
  /** Loss choice: BCE-with-logits or softmax cross-entropy. */
  task: ClassificationTask;
  /** Fine-tuning or linear probing. */
  protocol: ClassificationProtocol;
  /**
   * Fine-tuning only: layer-wise learning-rate decay (e.g. 0.75 as in MAE
   * fine-tuning); block i of a depth-L encoder trains at lr·decay^(L − i). Default: off.
   */
  layerDecay?: number;
}

/** What {@link fitClassifier} did (steps, skips, epochs run, losses; `dispose()` frees the optimiser state). */
export type FitClassifierResult = DownstreamFitResult;

/**
 * The parameters the optimiser updates: the head's, plus the encoder's
 * (names prefixed `encoder.`) when fine-tuning. In a linear probe the encoder
 * is absent from this list, so it can neither receive an update nor decay.
 */
export function trainableParameters(encoder: FeatureEncoder, head: ClassificationHead, protocol: ClassificationProtocol): Parameter[] {
  const headParams = protocol === 'linear-probe' ? head.probeParameters() : head.namedParameters().filter((p) => p.variable.trainable);
  if (protocol === 'linear-probe') return headParams;
  if (protocol !== 'finetune') throw new Error(`fitClassifier: unknown protocol '${String(protocol)}' (use 'finetune' or 'linear-probe')`);
  return [...encoder.namedParameters().map((p) => ({ ...p, name: `encoder.${p.name}` })), ...headParams];
}

/**
 * Train a classification head (and, when fine-tuning, the encoder) with AdamW or SGD.
 *
 * Linear probe: the encoder runs in evaluation mode and its pooled features
 * are computed outside the gradient tape, so no gradient reaches it and only
 * the head's parameters go to the optimiser. Fine-tune: encoder and head are
 * in training mode and all their trainable parameters are updated.
 *
 * Every step frees what it allocated: after the first step (which creates the
 * AdamW moments) `tf.memory().numTensors` is the same after each step.
 *
 * @example
 * const r = await fitClassifier({ encoder, head, batches, epochs: 10, task: 'multi-label',
 *   protocol: 'linear-probe', optimiser: { lr: 1e-3 }, rng: new Rng(0) });
 * r.dispose();
 */
export async function fitClassifier(options: FitClassifierOptions): Promise<FitClassifierResult> {
  const { encoder, head, task, protocol } = options;
  const params = trainableParameters(encoder, head, protocol);
  if (options.layerDecay !== undefined && protocol !== 'finetune') throw new Error('fitClassifier: layerDecay applies to fine-tuning only');
  const scaleOf =
    options.layerDecay !== undefined
      ? vitLayerScales(
          params.map((p) => p.name),
          options.layerDecay,
        )
      : undefined;
  const finetune = protocol === 'finetune';
  return fitEncoderHead({
    ...options,
    trainEncoder: finetune,
    params,
    scaleOf,
    release: (batch) => batch.images.dispose(),
    prepare: (batch) => {
      labelRows(task, batch.labels, head.numClasses);
      // Linear probe: features are a constant input to the loss (no tape, no encoder gradient).
      const frozen = finetune ? null : tf.tidy(() => head.pool(encoder.forwardFeatures(batch.images).tokens));
      return {
        frozen,
        loss: () => {
          const logits = frozen ? head.classify(frozen) : head.forward(encoder.forwardFeatures(batch.images).tokens);
          return classificationLoss(task, logits, batch.labels);
        },
      };
    },
  });
}
