/**
 * Attention maps over the patch grid, for looking at what an encoder attends to.
 */
import { tf } from '@ecamp/core';

/**
 * What the class token attends to: row 0 of a ViT block's attention, without the cls column,
 * averaged over heads (or one head).
 * @param attention [B, heads, 1+L, 1+L] from `VisionTransformer.forwardAttention`
 * @param options.head one head's row instead of the mean over heads
 * @returns [B, L] — patch attention in row-major patch order (reshape to [grid, grid]); each row
 *   sums to 1 minus the attention the cls token pays itself
 * @example const map = clsAttentionMap(vit.forwardAttention(image)); // [1, 196]
 */
export function clsAttentionMap(attention: tf.Tensor, options: { head?: number } = {}): tf.Tensor2D {
  const shape = attention.shape as number[];
  if (shape.length !== 4 || shape[2] !== shape[3] || shape[2] < 2) {
    throw new Error(`clsAttentionMap: attention must be [B, heads, 1+L, 1+L], got [${shape}]`);
  }
  const [b, heads, n] = shape;
  const { head } = options;
  if (head !== undefined && !(Number.isInteger(head) && head >= 0 && head < heads)) {
    throw new Error(`clsAttentionMap: head ${head} out of range for ${heads} heads`);
  }
  return tf.tidy(() => {
    const row = tf.slice(attention, [0, head ?? 0, 0, 1], [b, head === undefined ? heads : 1, 1, n - 1]); // [B, h, 1, L]
    return tf.reshape(tf.mean(row, 1), [b, n - 1]) as tf.Tensor2D;
  });
}
