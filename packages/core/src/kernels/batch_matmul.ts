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
  if (s !== 'auto') return s;
  // wasm runs only 2-D untransposed products on XNNPACK; batched ones take a naive loop.
  return tf.getBackend() === 'wasm' ? 'loop' : 'batched';
}

/**
 * a·b for stacks of matrices, untransposed: [G, N, K]·[G, K, M] → [G, N, M].
 * On wasm the 'loop' strategy issues G plain 2-D products (the XNNPACK path); elsewhere one
 * batched kernel. Differentiable through tfjs's own gradients (use it inside custom gradients
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
