import { softmaxCrossEntropyWithIntLabels, tf } from '@ecamp/core';

/**
 * Softmax cross-entropy for single-label multi-class problems (COVIDx, APTOS):
 * mean over the batch of logsumexp(x) − x[label] (PyTorch's `CrossEntropyLoss`),
 * on core's one-hot-free kernel, with the labels checked first.
 *
 * @param logits [B, C] raw scores
 * @param labels [B] integer class indices in [0, C) (int32 tensor or numbers)
 * @returns scalar loss
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D | ArrayLike<number>): tf.Scalar {
  const [batch, classes] = logits.shape;
  const values = labels instanceof tf.Tensor ? null : Array.from(labels);
  if (values) {
    values.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v >= classes) {
        throw new Error(`softmaxCrossEntropy: label ${i} is ${v}, expected an integer in [0, ${classes})`);
      }
    });
  }
  const length = values ? values.length : (labels as tf.Tensor1D).shape[0];
  if (length !== batch) throw new Error(`softmaxCrossEntropy: ${batch} logit rows but ${length} labels`);
  return tf.tidy(() => {
    const indices = values ? tf.tensor1d(values, 'int32') : (labels as tf.Tensor1D).toInt();
    return softmaxCrossEntropyWithIntLabels(logits.toFloat(), indices).mean() as tf.Scalar;
  });
}
