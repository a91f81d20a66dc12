import { tf } from '../tf.js';

/** How {@link batchMatMul} multiplies: one batched kernel, or a loop of 2-D products. */
export type BatchMatMulStrategy = 'batched' | 'loop' | 'auto';

let defaultStrategy: BatchMatMulStrategy = 'auto';

/** Set the strategy used when {@link batchMatMul} gets none (benchmarks compare them). */
export function setBatchMatMulStrategy(s: BatchMatMulStrategy): void {
  defaultStrategy = s;
}

/** The strategy 'auto' resolves to on the active backend. */
export function resolveBatchMatMulStrategy(s: BatchMatMulStrategy = defaultStrategy): 'batched' | 'loop' {
  // Measured (bench/layers.ts, attention fwd+bwd at B=8, D=192, H=3 on wasm): the 2-D loop is
  // 4× slower at N=50 and 8× slower at N=197 than one batched untransposed kernel, because every
  // new right-hand operand builds and packs a fresh XNNPACK operator. So 'auto' is 'batched'.
  return s === 'auto' ? 'batched' : s;
}

/**
 * a·b for stacks of matrices, untransposed: [G, N, K]·[G, K, M] → [G, N, M].
 * 'batched' (default) runs one batched kernel; 'loop' issues G plain 2-D products (kept for
 * benchmarking: on wasm each new operand rebuilds an XNNPACK operator, which costs more than it saves). Differentiable through tfjs's own gradients (use it inside custom gradients
 * with explicitly transposed operands to stay on the fast path).
 */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D, strategy?: BatchMatMulStrategy): tf.Tensor3D {
  const [g, n, k] = a.shape;
  const [g2, k2, m] = b.shape;
  if (g !== g2 || k !== k2) throw new Error(`batchMatMul: [${a.shape}]·[${b.shape}] do not chain`);
  if (resolveBatchMatMulStrategy(strategy) === 'batched' || g === 1) {
    return g === 1 ? (tf.reshape(tf.matMul(tf.reshape(a, [n, k]), tf.reshape(b, [k, m])), [1, n, m]) as tf.Tensor3D) : tf.matMul(a, b);
  }
  return tf.tidy(() => {
    const as = tf.split(tf.reshape(a, [g * n, k]), g, 0); // g × [n, k]
    const bs = tf.split(tf.reshape(b, [g * k, m]), g, 0); // g × [k, m]
    const parts = as.map((ai, i) => tf.matMul(ai, bs[i]));
    return tf.reshape(tf.concat(parts, 0), [g, n, m]) as tf.Tensor3D;
  });
}

/**
 * op(a)·op(b) for stacks of matrices, where op transposes the last two axes when asked.
 * On wasm the transposes are made explicit (a rank-3 transpose is cheap; its transposed
 * BatchMatMul is a naive loop); on other backends, whose kernels take transposed operands at
 * full speed, the flags go straight to `tf.matMul`.
 *
 * @param a [G, N, K] (or [G, K, N] with transposeA)
 * @param b [G, K, M] (or [G, M, K] with transposeB)
 * @returns [G, N, M]
 */
export function batchMatMulT(a: tf.Tensor3D, b: tf.Tensor3D, transposeA = false, transposeB = false, strategy?: BatchMatMulStrategy): tf.Tensor3D {
  if (tf.getBackend() !== 'wasm') return tf.matMul(a, b, transposeA, transposeB);
  return tf.tidy(() =>
    batchMatMul(transposeA ? (tf.transpose(a, [0, 2, 1]) as tf.Tensor3D) : a, transposeB ? (tf.transpose(b, [0, 2, 1]) as tf.Tensor3D) : b, strategy),
  );
}
