import { Rng, tf } from '@ecamp/core';

/**
 * Central finite differences on a few elements of each variable, compared with the analytic
 * gradient from tf.variableGrads. `loss` must return a scalar and read the variables.
 * @returns max |analytic − numeric| / max(1, |numeric|) per variable
 */
export function paramGradCheck(loss: () => tf.Scalar, variables: tf.Variable[], opts: { eps?: number; probes?: number; seed?: number } = {}): number[] {
  const eps = opts.eps ?? 1e-2;
  const rng = new Rng(opts.seed ?? 7);
  const { value, grads } = tf.variableGrads(loss, variables);
  value.dispose();
  const errors = variables.map((v) => {
    const g = grads[v.name].dataSync();
    const base = Float32Array.from(v.dataSync());
    let worst = 0;
    const picks = rng.shuffle([...Array(base.length).keys()]).slice(0, opts.probes ?? 6);
    for (const k of picks) {
      const at = (delta: number) => {
        const p = Float32Array.from(base);
        p[k] += delta;
        tf.tidy(() => v.assign(tf.tensor(p, v.shape, 'float32')));
        return tf.tidy(() => loss().dataSync()[0]);
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      worst = Math.max(worst, Math.abs(g[k] - numeric) / Math.max(1, Math.abs(numeric)));
    }
    tf.tidy(() => v.assign(tf.tensor(base, v.shape, 'float32')));
    return worst;
  });
  tf.dispose(Object.values(grads));
  return errors;
}
