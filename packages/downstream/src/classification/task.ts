import { tf } from '@ecamp/core';
import { bceWithLogits } from '../losses/bce-with-logits.js';
import { softmaxCrossEntropy } from '../losses/softmax-cross-entropy.js';

/**
 * `multi-label`: C independent binary labels (ChestX-ray14, CheXpert, RSNA,
 * ODIR, MuReD), BCE-with-logits, AUROC. `multi-class`: exactly one of C
 * classes (COVIDx, APTOS), softmax cross-entropy, accuracy.
 */
export type ClassificationTask = 'multi-label' | 'multi-class';

/** Labels of a batch as numbers: multi-label [B·C] row-major 0/1; multi-class [B] class indices. */
export type BatchLabels = ArrayLike<number>;

/** Number of samples that `labels` describes, checking its length against the task. */
export function labelRows(task: ClassificationTask, labels: BatchLabels, numClasses: number): number {
  if (task === 'multi-class') return labels.length;
  if (labels.length % numClasses !== 0) {
    throw new Error(`multi-label batch: ${labels.length} label values are not rows of ${numClasses} classes`);
  }
  return labels.length / numClasses;
}

/**
 * The task's training loss.
 * @param logits [B, C]
 * @param labels multi-label [B·C] 0/1, multi-class [B] indices
 * @returns scalar loss
 */
export function classificationLoss(task: ClassificationTask, logits: tf.Tensor2D, labels: BatchLabels): tf.Scalar {
  const [batch, classes] = logits.shape;
  if (task === 'multi-class') return softmaxCrossEntropy(logits, labels);
  if (task !== 'multi-label') throw new Error(`unknown classification task '${String(task)}' (use 'multi-label' or 'multi-class')`);
  if (labels.length !== batch * classes) {
    throw new Error(`multi-label batch: ${labels.length} label values for logits [${batch}, ${classes}]`);
  }
  return tf.tidy(() => bceWithLogits(logits, tf.tensor2d(Float32Array.from(labels), [batch, classes])));
}

/**
 * Scores used by the metrics: sigmoid probabilities (multi-label) or softmax
 * probabilities (multi-class).
 * @param logits [B, C] @returns [B, C]
 */
export function classificationScores(task: ClassificationTask, logits: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => (task === 'multi-class' ? tf.softmax(logits) : tf.sigmoid(logits))) as tf.Tensor2D;
}
