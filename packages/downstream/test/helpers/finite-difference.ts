import { tf } from '@ecamp/core';

/**
 * Central finite-difference gradient of a scalar function of one tensor,
 * element by element: (f(x + ε·e_i) − f(x − ε·e_i)) / 2ε.
 * Float32 arithmetic limits accuracy; use ε around 1e-2 and compare loosely.
 */
export function numericalGradient(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, epsilon = 1e-2): Float32Array {
  const base = x.dataSync().slice();
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const eval1 = (delta: number): number => {
      const v = base.slice();
      v[i] += delta;
      return tf.tidy(() => f(tf.tensor(v, x.shape, 'float32')).dataSync()[0]);
    };
    out[i] = (eval1(epsilon) - eval1(-epsilon)) / (2 * epsilon);
  }
  return out;
}

/** Largest |a − b| / max(1, |b|) over elements. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}
