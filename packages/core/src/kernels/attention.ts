import { tf } from '../tf.js';

/** Result of {@link scaledDotProductAttention}. */
export interface AttentionCoreResult {
  /** [B, H, N, hd] */
  output: tf.Tensor4D;
  /** [B, H, N, M] softmax probabilities */
  probs: tf.Tensor4D;
}

/**
 * softmax(q·kᵀ·scale + maskBias)·v per batch and head.
 *
 * @param q [B, H, N, hd]
 * @param k [B, H, M, hd]
 * @param v [B, H, M, hd]
 * @param scale usually hd^-0.5
 * @param keyPaddingMask optional [B, M], 1 = attend, 0 = padding (padding keys get −1e9 before the softmax)
 */
export function scaledDotProductAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  scale: number,
  keyPaddingMask?: tf.Tensor,
): AttentionCoreResult {
  const [b, , , ] = q.shape;
  const m = k.shape[2];
  return tf.tidy(() => {
    let scores = tf.mul(tf.matMul(q, k, false, true), scale) as tf.Tensor4D;
    if (keyPaddingMask !== undefined) {
      if (keyPaddingMask.size !== b * m) {
        throw new Error(`attention: keyPaddingMask [${keyPaddingMask.shape}] must be [B=${b}, M=${m}]`);
      }
      const bias = tf.mul(tf.sub(1, tf.reshape(tf.cast(keyPaddingMask, 'float32'), [b, 1, 1, m])), -1e9);
      scores = tf.add(scores, bias);
    }
    const probs = tf.softmax(scores, -1) as tf.Tensor4D;
    const output = tf.matMul(probs, v) as tf.Tensor4D;
    return { output, probs };
  });
}
