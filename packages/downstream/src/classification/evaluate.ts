import { tf } from '@ecamp/core';
import type { FeatureEncoder } from '../encoder.js';
import { multiLabelAuroc } from '../metrics/auroc.js';
import { argmaxRows, binaryAccuracy, topOneAccuracy } from '../metrics/accuracy.js';
import { confusionMatrix } from '../metrics/confusion-matrix.js';
import type { ClassificationBatch } from './fit.js';
import type { ClassificationHead } from './head.js';
import { classificationScores, labelRows, type ClassificationTask } from './task.js';

/** Options of {@link evaluateClassification}. */
export interface EvaluateClassificationOptions {
  /** The vision encoder. */
  encoder: FeatureEncoder;
  /** The trained head. */
  head: ClassificationHead;
  /** The evaluation batches (each batch's images are disposed after use). */
  batches: Iterable<ClassificationBatch> | AsyncIterable<ClassificationBatch>;
  /** How labels and scores are read. */
  task: ClassificationTask;
}

/** Metrics of {@link evaluateClassification}. */
export interface ClassificationEvaluation {
  /** Samples seen. */
  count: number;
  /**
   * Mean AUROC over labels with both classes present (multi-label: per label;
   * multi-class: one-vs-rest per class). The paper's metric for multi-label sets.
   */
  auroc: number;
  /** Per-label (per-class one-vs-rest) AUROC, NaN where a label has one class only. */
  perLabelAuroc: number[];
  /** Multi-class: top-1 accuracy (the paper's metric for COVIDx, APTOS). Multi-label: element-wise accuracy at 0.5. */
  accuracy: number;
  /** Multi-class only: `confusion[actual][predicted]`. */
  confusion?: number[][];
  /** [N, C] row-major probabilities (sigmoid or softmax). */
  scores: Float32Array;
  /** Multi-label [N·C] 0/1, multi-class [N] indices, as given. */
  targets: Float32Array;
}

/**
 * Run the encoder and head in evaluation mode over `batches` and score them:
 * AUROC (per label and mean) and accuracy; for multi-class also the confusion matrix.
 * Leaves the modules in evaluation mode and no tensors behind.
 */
export async function evaluateClassification(options: EvaluateClassificationOptions): Promise<ClassificationEvaluation> {
  const { encoder, head, batches, task } = options;
  const classes = head.numClasses;
  encoder.train?.(false);
  head.eval();
  const scores: number[] = [];
  const targets: number[] = [];
  for await (const batch of batches) {
    try {
      const rows = labelRows(task, batch.labels, classes);
      if (rows !== batch.images.shape[0]) {
        throw new Error(`evaluateClassification: batch has ${batch.images.shape[0]} images but labels for ${rows}`);
      }
      const scoreTensor = tf.tidy(() => classificationScores(task, head.forward(encoder.forwardFeatures(batch.images).tokens)));
      for (const v of scoreTensor.dataSync()) scores.push(v);
      scoreTensor.dispose();
      for (let i = 0; i < batch.labels.length; i++) targets.push(batch.labels[i]);
    } finally {
      batch.images.dispose();
    }
  }
  return classificationMetrics(task, Float32Array.from(scores), Float32Array.from(targets), classes);
}

/**
 * The metrics of {@link evaluateClassification} from scores already computed.
 *
 * @param scores [N, C] row-major probabilities
 * @param targets multi-label [N·C] 0/1, multi-class [N] class indices
 * @param classes C
 */
export function classificationMetrics(task: ClassificationTask, scores: Float32Array, targets: Float32Array, classes: number): ClassificationEvaluation {
  const count = scores.length / classes;
  if (task === 'multi-label') {
    const a = multiLabelAuroc(scores, targets, classes);
    return { count, auroc: a.mean, perLabelAuroc: a.perLabel, accuracy: binaryAccuracy(scores, targets), scores, targets };
  }
  // One-vs-rest targets for the per-class AUROC.
  const oneHot = new Float32Array(count * classes);
  targets.forEach((t, i) => {
    oneHot[i * classes + t] = 1;
  });
  const a = multiLabelAuroc(scores, oneHot, classes);
  return {
    count,
    auroc: a.mean,
    perLabelAuroc: a.perLabel,
    accuracy: topOneAccuracy(scores, targets, classes),
    confusion: confusionMatrix(argmaxRows(scores, classes), targets, classes),
    scores,
    targets,
  };
}
