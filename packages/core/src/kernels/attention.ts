import { tf } from '../tf.js';
import { customOp } from './custom_op.js';
import { batchMatMulT, type BatchMatMulStrategy } from './batch_matmul.js';

/** Result of {@link scaledDotProductAttention}. */
export interface AttentionCoreResult {
  /** [B, H, N, hd] */
  output: tf.Tensor4D;
  /** [B, H, N, M] softmax probabilities (only when requested) */
  probs?: tf.Tensor4D;
}

/** Options of {@link scaledDotProductAttention}. */
export interface AttentionCoreOptions {
  /** [B, M], 1 = attend, 0 = padding (padding keys get −1e9 before the softmax). */
  keyPaddingMask?: tf.Tensor;
  /** Also return the probabilities (they are differentiable too). */
  returnProbs?: boolean;
  /** Matmul strategy (default: per backend, see `batchMatMul`). */
  strategy?: BatchMatMulStrategy;
}

/**
 * softmax(q·kᵀ·scale + maskBias)·v per batch and head, with a hand-written gradient:
 *   dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − Σ_j dP ⊙ P), dQ = s·dS·K, dK = s·dSᵀ·Q.
 * On wasm every product is untransposed with explicitly transposed operands (rank-3 transposes),
 * avoiding its slow transposed BatchMatMul; elsewhere the transpose flags go to the kernel
 * (see `batchMatMulT`).
 *
 * @param q [B, H, N, hd]
 * @param k [B, H, M, hd]
 * @param v [B, H, M, hd]
 * @param scale usually hd^-0.5
 */
export function scaledDotProductAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  scale: number,
  opts: AttentionCoreOptions = {},
): AttentionCoreResult {
  const [b, h, n, hd] = q.shape;
  const m = k.shape[2];
  if (k.shape[0] !== b || k.shape[1] !== h || k.shape[3] !== hd || v.shape.join() !== k.shape.join()) {
    throw new Error(`attention: q [${q.shape}], k [${k.shape}], v [${v.shape}] do not match`);
  }
  const mask = opts.keyPaddingMask;
  if (mask !== undefined && mask.size !== b * m) {
    throw new Error(`attention: keyPaddingMask [${mask.shape}] must be [B=${b}, M=${m}]`);
  }
  const g = b * h;
  const wantProbs = opts.returnProbs ?? false;
  const strategy = opts.strategy;
  const op = customOp(([qi, ki, vi], save) => {
    const q3 = tf.reshape(qi, [g, n, hd]) as tf.Tensor3D;
    const k3 = tf.reshape(ki, [g, m, hd]) as tf.Tensor3D;
    const v3 = tf.reshape(vi, [g, m, hd]) as tf.Tensor3D;
    let scores = tf.mul(batchMatMulT(q3, k3, false, true, strategy), scale); // [G, N, M]
    if (mask !== undefined) {
      const bias = tf.mul(tf.sub(1, tf.reshape(tf.cast(mask, 'float32'), [b, 1, 1, m])), -1e9);
      scores = tf.reshape(tf.add(tf.reshape(scores, [b, h, n, m]), bias), [g, n, m]);
    }
    const p = tf.softmax(scores, -1) as tf.Tensor3D;
    const o = batchMatMulT(p, v3, false, false, strategy); // [G, N, hd]
    save([q3, k3, v3, p]);
    const value = wantProbs
      ? tf.concat([tf.reshape(o, [b, h, n, hd]), tf.reshape(p, [b, h, n, m])], 3)
      : tf.reshape(o, [b, h, n, hd]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [sq, sk, sv, sp] = saved as tf.Tensor3D[];
        let dO: tf.Tensor3D;
        let dPextra: tf.Tensor3D | undefined;
        if (wantProbs) {
          const [dOut, dProbs] = tf.split(dy, [hd, m], 3);
          dO = tf.reshape(dOut, [g, n, hd]);
          dPextra = tf.reshape(dProbs, [g, n, m]);
        } else dO = tf.reshape(dy, [g, n, hd]);
        const dV = batchMatMulT(sp, dO, true, false, strategy); // [G, M, hd]
        let dP = batchMatMulT(dO, sv, false, true, strategy); // [G, N, M]
        if (dPextra !== undefined) dP = tf.add(dP, dPextra) as tf.Tensor3D;
        const dS = tf.mul(sp, tf.sub(dP, tf.sum(tf.mul(dP, sp), -1, true))) as tf.Tensor3D; // softmax backward
        const dQ = tf.mul(batchMatMulT(dS, sk, false, false, strategy), scale); // [G, N, hd]
        const dK = tf.mul(batchMatMulT(dS, sq, true, false, strategy), scale); // [G, M, hd]
        return [tf.reshape(dQ, [b, h, n, hd]), tf.reshape(dK, [b, h, m, hd]), tf.reshape(dV, [b, h, m, hd])];
      },
    };
  });
  const out = op(q, k, v) as tf.Tensor4D;
  if (!wantProbs) return { output: out };
  return tf.tidy(() => {
    const [output, probs] = tf.split(out, [hd, m], 3) as tf.Tensor4D[];
    return { output, probs };
  }) as AttentionCoreResult;
}
