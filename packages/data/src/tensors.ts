/**
 * Tensor hand-off (`@ecamp/data/tensors`): the only module of this package
 * that loads `@ecamp/core` (TF.js). Readers, the image pipeline and the loader
 * work without it.
 */
import { tf } from '@ecamp/core';
import type { Batch } from './loader/loader.js';

/** Tensors of one batch; dispose them (or call {@link disposeBatchTensors}) after the step. */
export interface BatchTensors {
  /** float32 `[B, H, W, 3]` (NHWC), normalised. */
  images: tf.Tensor4D;
  /** float32 `[B, numLabels]`, when the batch has labels. */
  labels?: tf.Tensor2D;
  /** int32 `[B, 2]` context windows `(i, j)`, when the batch has them. */
  windows?: tf.Tensor2D;
}

/**
 * Wraps a batch's typed arrays as tensors. The image buffer is handed to
 * `tf.tensor4d` as is (NHWC float32, no per-pixel JS copy).
 */
export function batchToTensors(batch: Batch): BatchTensors {
  const out: BatchTensors = { images: tf.tensor4d(batch.images, [batch.size, batch.height, batch.width, 3], 'float32') };
  if (batch.labels) out.labels = tf.tensor2d(batch.labels.flat(), [batch.size, batch.labels[0].length], 'float32');
  if (batch.windows)
    out.windows = tf.tensor2d(
      batch.windows.flatMap((w) => [w.i, w.j]),
      [batch.size, 2],
      'int32',
    );
  return out;
}

/** Disposes every tensor of a {@link BatchTensors}. */
export function disposeBatchTensors(t: BatchTensors): void {
  t.images.dispose();
  t.labels?.dispose();
  t.windows?.dispose();
}
