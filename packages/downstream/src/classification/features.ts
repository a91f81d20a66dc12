import { tf } from '@ecamp/core';
import { prefixTokens, type FeatureEncoder } from '../encoder.js';
import type { ClassificationBatch } from './fit.js';
import { meanPatchTokens, type FeatureStatistics } from './head.js';
import { labelRows, type ClassificationTask } from './task.js';

/** Pooled encoder features of a whole list, with their labels. */
export interface PooledFeatures {
  /** [N, D] row-major mean patch tokens. */
  features: Float32Array;
  /** Multi-label [N·C] 0/1, multi-class [N] class indices. */
  labels: Float32Array;
  /** N. */
  count: number;
  /** D. */
  dim: number;
}

/** Options of {@link extractPooledFeatures}. */
export interface ExtractFeaturesOptions {
  /** The frozen encoder. */
  encoder: FeatureEncoder;
  /** All samples once (images disposed after use). */
  batches: Iterable<ClassificationBatch> | AsyncIterable<ClassificationBatch>;
  /** How the labels are laid out. */
  task: ClassificationTask;
  /** C. */
  numClasses: number;
}

/**
 * Encode every image once with the encoder in evaluation mode and keep the
 * mean-pooled patch tokens. A linear probe (frozen encoder, no augmentation)
 * then trains for any number of epochs on these without running the
 * encoder again — on a CPU, the difference between minutes and hours.
 */
export async function extractPooledFeatures(options: ExtractFeaturesOptions): Promise<PooledFeatures> {
  const { encoder, batches, task, numClasses } = options;
  encoder.train?.(false);
  const features: number[] = [];
  const labels: number[] = [];
  let count = 0;
  for await (const batch of batches) {
    try {
      const rows = labelRows(task, batch.labels, numClasses);
      if (rows !== batch.images.shape[0]) {
        throw new Error(`extractPooledFeatures: batch has ${batch.images.shape[0]} images but labels for ${rows}`);
      }
      const pooled = tf.tidy(() => meanPatchTokens(encoder.forwardFeatures(batch.images).tokens, prefixTokens(encoder)));
      for (const v of pooled.dataSync()) features.push(v);
      pooled.dispose();
      for (let i = 0; i < batch.labels.length; i++) labels.push(batch.labels[i]);
      count += rows;
    } finally {
      batch.images.dispose();
    }
  }
  return { features: Float32Array.from(features), labels: Float32Array.from(labels), count, dim: encoder.embedDim };
}

/**
 * Rows `indices` of the pooled features and their labels, as a minibatch.
 * @returns features [K, D] (caller disposes) and the labels of those rows
 */
export function featureRows(
  data: PooledFeatures,
  indices: readonly number[],
  task: ClassificationTask,
  numClasses: number,
): { features: tf.Tensor2D; labels: Float32Array } {
  const d = data.dim;
  const x = new Float32Array(indices.length * d);
  const per = task === 'multi-label' ? numClasses : 1;
  const y = new Float32Array(indices.length * per);
  indices.forEach((row, k) => {
    if (!Number.isInteger(row) || row < 0 || row >= data.count) throw new Error(`featureRows: row ${row} outside [0, ${data.count})`);
    x.set(data.features.subarray(row * d, (row + 1) * d), k * d);
    y.set(data.labels.subarray(row * per, (row + 1) * per), k * per);
  });
  return { features: tf.tensor2d(x, [indices.length, d]), labels: y };
}

/**
 * Mean and biased variance of every feature over all rows of `data` (float64
 * accumulation), optionally after `transform` (e.g. a head's `fc_norm`), computed in
 * chunks of `chunk` rows.
 */
export function featureStatistics(data: PooledFeatures, transform?: (rows: tf.Tensor2D) => tf.Tensor2D, chunk = 1024): FeatureStatistics {
  const { count: n, dim: d } = data;
  if (n < 1) throw new Error('featureStatistics: no rows');
  if (data.features.length !== n * d) throw new Error(`featureStatistics: ${data.features.length} values are not ${n} rows of ${d}`);
  const sum = new Float64Array(d);
  const sumSq = new Float64Array(d);
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    const block = data.features.subarray(start * d, (start + rows) * d);
    let values: ArrayLike<number> = block;
    if (transform) {
      const t = tf.tidy(() => transform(tf.tensor2d(block, [rows, d])));
      values = t.dataSync();
      t.dispose();
    }
    for (let i = 0; i < rows * d; i++) {
      const v = values[i];
      sum[i % d] += v;
      sumSq[i % d] += v * v;
    }
  }
  const mean = new Float32Array(d);
  const variance = new Float32Array(d);
  for (let k = 0; k < d; k++) {
    const m = sum[k] / n;
    mean[k] = m;
    variance[k] = Math.max(0, sumSq[k] / n - m * m);
  }
  return { mean, variance };
}
