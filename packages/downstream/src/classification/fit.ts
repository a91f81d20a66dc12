import { Rng, tf, type Parameter } from '@ecamp/core';
import { createDownstreamOptimiser, learningRateSchedule, type DownstreamOptimiser, type OptimiserSettings } from '../training/optimiser.js';
import { groupedTrainStep, vitLayerScales } from '../training/layer-decay.js';
import type { EpochEndHook } from '../training/epoch-hook.js';
import { runTrainingLoop } from '../training/loop.js';
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

/** Options of {@link fitClassifier}. */
export interface FitClassifierOptions {
  /** The pre-trained vision encoder. */
  encoder: FeatureEncoder;
  /** The head to train (see {@link ClassificationHead}). */
  head: ClassificationHead;
  /** Source of each epoch's batches. */
  batches: ClassificationBatches;
  /** Number of passes. */
  epochs: number;
  /** Loss choice: BCE-with-logits or softmax cross-entropy. */
  task: ClassificationTask;
  /** Fine-tuning or linear probing. */
  protocol: ClassificationProtocol;
  /** Optimiser (AdamW or SGD) and schedule. */
  optimiser: ClassifierOptimiserSettings;
  /**
   * Fine-tuning only: layer-wise learning-rate decay (e.g. 0.75 as in MAE
   * fine-tuning); block i of a depth-L encoder trains at lr·decay^(L − i). Default: off.
   */
  layerDecay?: number;
  /** Seeds the per-epoch batch streams (`rng.fork('epoch:<e>')`). */
  rng: Rng;
  /** Called after each step. */
  onProgress?: (progress: ClassifierProgress) => void;
  /** Called after each epoch (validation, checkpoints); return `'stop'` to end early. */
  onEpochEnd?: EpochEndHook;
}

/** What {@link fitClassifier} did. */
export interface FitClassifierResult {
  /** Optimiser steps applied. */
  steps: number;
  /** Steps skipped by the non-finite guard. */
  skipped: number;
  /** Epochs completed (fewer than asked when `onEpochEnd` stopped early). */
  epochsRun: number;
  /** Loss per step, in order. */
  losses: number[];
  /** The optimiser (its state stays allocated; call `dispose()` on the result to free it). */
  optimiser: DownstreamOptimiser;
  /** Free the optimiser state. */
  dispose(): void;
}

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
  const { encoder, head, batches, epochs, task, protocol, optimiser: settings, rng, onProgress } = options;
  const params = trainableParameters(encoder, head, protocol);
  if (options.layerDecay !== undefined && protocol !== 'finetune') throw new Error('fitClassifier: layerDecay applies to fine-tuning only');
  const scaleOf = options.layerDecay !== undefined ? vitLayerScales(params.map((p) => p.name), options.layerDecay) : undefined;
  const optimiser = createDownstreamOptimiser(params, settings, scaleOf);
  const lrAt = learningRateSchedule(settings, epochs);
  const finetune = protocol === 'finetune';
  encoder.train?.(finetune);
  head.train(true);
  const run = await runTrainingLoop({
    epochs,
    optimiser,
    onEpochEnd: options.onEpochEnd,
    batchesOf: (epoch) => batches(epoch, rng.fork(`epoch:${epoch}`)),
    release: (batch) => batch.images.dispose(),
    step: (batch, step, epoch) => {
      labelRows(task, batch.labels, head.numClasses);
      const lr = lrAt(step);
      // Linear probe: features are a constant input to the loss (no tape, no encoder gradient).
      const frozen = finetune ? null : tf.tidy(() => head.pool(encoder.forwardFeatures(batch.images).tokens));
      try {
        const report = groupedTrainStep(
          params,
          () => {
            const logits = frozen ? head.classify(frozen) : head.forward(encoder.forwardFeatures(batch.images).tokens);
            return classificationLoss(task, logits, batch.labels);
          },
          optimiser,
          lr,
          settings.maxGradNorm,
        );
        onProgress?.({ epoch, step, loss: report.loss, lr, gradNorm: report.gradNorm, applied: report.applied });
        return report;
      } finally {
        frozen?.dispose();
      }
    },
  });
  return {
    ...run,
    optimiser,
    dispose: () => optimiser.dispose(),
  };
}
