import { Rng, tf } from '@ecamp/core';
import { adamWOptions, learningRateSchedule } from '../training/optimiser.js';
import { GroupedAdamW, groupedTrainStep } from '../training/layer-decay.js';
import type { EpochEndHook } from '../training/epoch-hook.js';
import { runTrainingLoop } from '../training/loop.js';
import type { ClassifierProgress, ClassifierOptimiserSettings, FitClassifierResult } from './fit.js';
import { classificationMetrics, type ClassificationEvaluation } from './evaluate.js';
import { featureRows, featureStatistics, type PooledFeatures } from './features.js';
import type { ClassificationHead } from './head.js';
import { classificationLoss, classificationScores, type ClassificationTask } from './task.js';

/** Options of {@link fitLinearProbe}. */
export interface FitLinearProbeOptions {
  /** The head to train (LayerNorm → Linear on the pooled features). */
  head: ClassificationHead;
  /** Cached features from {@link extractPooledFeatures}. */
  data: PooledFeatures;
  /** Loss choice. */
  task: ClassificationTask;
  /** Passes over the data. */
  epochs: number;
  /** Rows per step (the last step of an epoch may be smaller). */
  batchSize: number;
  /** AdamW and schedule (`stepsPerEpoch` is filled in from the data when absent). */
  optimiser: ClassifierOptimiserSettings;
  /** Shuffles each epoch (`rng.fork('epoch:<e>')`). */
  rng: Rng;
  /** Called after each step. */
  onProgress?: (progress: ClassifierProgress) => void;
  /** Called after each epoch (validation, checkpoints); return `'stop'` to end early. */
  onEpochEnd?: EpochEndHook;
}

/**
 * Linear probe on cached pooled features: only the head exists here, so only
 * its parameters can be optimised. Each epoch visits the rows in a seeded
 * random order. Leak-free per step after the first.
 *
 * A head built with `featureNorm` gets MAE's linear-probe protocol: the statistics of
 * `fc_norm(features)` over the training rows are fixed into its feature normalisation
 * first, and only the classifier layer (`head.*`) trains. Otherwise `fc_norm` and the
 * classifier both train.
 */
export async function fitLinearProbe(options: FitLinearProbeOptions): Promise<FitClassifierResult> {
  const { head, data, task, epochs, batchSize, rng, onProgress } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`fitLinearProbe: batchSize must be a positive integer, got ${batchSize}`);
  if (data.dim !== head.embedDim) throw new Error(`fitLinearProbe: features have width ${data.dim}, the head expects ${head.embedDim}`);
  const stepsPerEpoch = Math.ceil(data.count / batchSize);
  const settings = { stepsPerEpoch, ...options.optimiser };
  if (head.featureNorm) head.setFeatureStatistics(featureStatistics(data, (rows) => head.fcNorm.forward(rows) as tf.Tensor2D));
  const params = head.probeParameters();
  const optimiser = new GroupedAdamW(params, adamWOptions(settings));
  const lrAt = learningRateSchedule(settings, epochs);
  head.train(true);
  const run = await runTrainingLoop({
    epochs,
    optimiser,
    onEpochEnd: options.onEpochEnd,
    // Each epoch: the shuffled row order cut into batches of row indices.
    batchesOf: (epoch) => {
      const order = rng.fork(`epoch:${epoch}`).shuffle(Array.from({ length: data.count }, (_, i) => i));
      return Array.from({ length: stepsPerEpoch }, (_, k) => order.slice(k * batchSize, (k + 1) * batchSize));
    },
    step: (indices, step, epoch) => {
      const rows = featureRows(data, indices, task, head.numClasses);
      try {
        const lr = lrAt(step);
        const report = groupedTrainStep(params, () => classificationLoss(task, head.classify(rows.features), rows.labels), optimiser, lr, settings.maxGradNorm);
        onProgress?.({ epoch, step, loss: report.loss, lr, gradNorm: report.gradNorm, applied: report.applied });
        return report;
      } finally {
        rows.features.dispose();
      }
    },
  });
  return { ...run, optimiser, dispose: () => optimiser.dispose() };
}

/** AUROC / accuracy (as {@link evaluateClassification}) of a head on cached pooled features. */
export function evaluatePooledFeatures(head: ClassificationHead, data: PooledFeatures, task: ClassificationTask): ClassificationEvaluation {
  if (data.dim !== head.embedDim) throw new Error(`evaluatePooledFeatures: features have width ${data.dim}, the head expects ${head.embedDim}`);
  head.eval();
  const scores = tf.tidy(() => classificationScores(task, head.classify(tf.tensor2d(data.features, [data.count, data.dim]))));
  const values = scores.dataSync() as Float32Array;
  scores.dispose();
  return classificationMetrics(task, values, data.labels, head.numClasses);
}
