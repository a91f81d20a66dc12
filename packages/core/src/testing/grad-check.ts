import { tf } from '../tf.js';
import { Rng } from '@ecamp/io/rng';

/** Options of {@link checkGradients}. */
export interface GradCheckOptions {
  /** Finite-difference step (default 1e-2; float32 needs a large one). */
  eps?: number;
  /** Elements probed per input (default 12, chosen at random). */
  probes?: number;
  /** Seed of the projection and the probe choice. */
  seed?: number;
}

/** Worst disagreement found by {@link checkGradients}. */
export interface GradCheckResult {
  /** max |analytic − numeric| / max(1, |numeric|) over probed elements */
  maxRelError: number;
  /** Per-input worst error. */
  perInput: number[];
}

/**
 * Compare the analytic gradient of `f` with central finite differences. The output of `f` is
 * reduced to a scalar by a fixed random projection so every output element matters.
 * Only float32 inputs are checked (pass int tensors through closures).
 *
 * @example
 * const r = checkGradients((x, w) => linear(x, w), [x, w]);
 * expect(r.maxRelError).toBeLessThan(2e-2);
 */
export function checkGradients(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], opts: GradCheckOptions = {}): GradCheckResult {
  const eps = opts.eps ?? 1e-2;
  const probes = opts.probes ?? 12;
  const rng = new Rng(opts.seed ?? 1234);
  return tf.tidy(() => {
    const y0 = f(...inputs);
    const proj = tf.tensor(rng.normalArray(y0.size), y0.shape, 'float32');
    const scalar = (...xs: tf.Tensor[]): tf.Scalar => tf.sum(tf.mul(f(...xs), proj));
    const analytic = tf.grads(scalar)(inputs);
    const perInput: number[] = [];
    inputs.forEach((x, i) => {
      const base = Float32Array.from(x.dataSync());
      const g = analytic[i].dataSync();
      let worst = 0;
      const count = Math.min(probes, base.length);
      const picks = rng.shuffle([...Array(base.length).keys()]).slice(0, count);
      for (const k of picks) {
        const eval1 = (delta: number): number =>
          tf.tidy(() => {
            const pert = Float32Array.from(base);
            pert[k] += delta;
            const xs = inputs.map((t, j) => (j === i ? tf.tensor(pert, x.shape, 'float32') : t));
            return scalar(...xs).dataSync()[0];
          });
        const numeric = (eval1(eps) - eval1(-eps)) / (2 * eps);
        worst = Math.max(worst, Math.abs(g[k] - numeric) / Math.max(1, Math.abs(numeric)));
      }
      perInput.push(worst);
    });
    return { maxRelError: Math.max(0, ...perInput), perInput };
  });
}

/**
 * Finite-difference check of a scalar loss's gradient with respect to **variables** (a module's
 * parameters), which {@link checkGradients} cannot perturb through its inputs: a few elements of
 * each variable are nudged by ±eps in place (and restored) and compared with `tf.variableGrads`.
 *
 * @param loss returns a scalar and reads the variables
 * @returns per variable, max |analytic − numeric| / max(1, |numeric|) over the probed elements
 * @example
 * const errors = checkParameterGradients(() => lossOf(layer), layer.parameters(), { probes: 5 });
 * expect(Math.max(...errors)).toBeLessThan(2e-2);
 */
export function checkParameterGradients(loss: () => tf.Scalar, variables: tf.Variable[], opts: GradCheckOptions = {}): number[] {
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
