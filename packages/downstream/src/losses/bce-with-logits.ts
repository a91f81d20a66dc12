import { tf } from '@ecamp/core';

/**
 * Binary cross-entropy on logits for multi-label classification, in the
 * numerically stable form max(x, 0) − x·t + log(1 + e^{−|x|}), averaged over
 * every element (PyTorch's `BCEWithLogitsLoss(reduction='mean')`).
 *
 * @param logits [B, C] raw scores
 * @param targets [B, C] 0/1 (or soft) targets
 * @returns scalar loss
 */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  if (!tf.util.arraysEqual(logits.shape, targets.shape)) {
    throw new Error(`bceWithLogits: logits [${logits.shape}] and targets [${targets.shape}] differ in shape`);
  }
  return tf.tidy(() => bceWithLogitsElementwise(logits, targets).mean() as tf.Scalar);
}

/**
 * Element-wise binary cross-entropy on logits, max(x, 0) − x·t + log(1 + e^{−|x|}),
 * without reduction (for masked or weighted sums).
 *
 * @param logits any shape
 * @param targets same shape (broadcastable), 0/1 or soft
 * @returns same shape as `logits`
 */
export function bceWithLogitsElementwise(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const x = logits.toFloat();
    const t = targets.toFloat();
    return tf
      .relu(x)
      .sub(x.mul(t))
      .add(tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
  });
}
