import { tf } from '../tf.js';
import { FUSED } from '../native/kernels/fused.js';
import { isNativeBackend } from '../native/runtime.js';
import { customOp } from './custom-op.js';

/**
 * Layer normalisation over the last axis (PyTorch semantics: biased variance, eps inside the
 * square root) with a hand-written gradient: with x̂ the normalised input, g = dy·w and
 * r = 1/√(var + eps),
 *   dx = r·(g − mean(g) − x̂·mean(g·x̂)),  dw = Σ dy·x̂,  db = Σ dy.
 * About a third of the ops of tfjs autodiff through mean/variance; on the native backend one
 * fused kernel each way (saving only the input and the per-row mean and 1/std).
 *
 * @param x [..., D]
 * @param weight [D]
 * @param bias [D]
 * @returns [..., D]
 */
export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps = 1e-5): tf.Tensor {
  const d = x.shape[x.rank - 1];
  if (weight.size !== d || bias.size !== d) {
    throw new Error(`layerNorm: weight [${weight.shape}] / bias [${bias.shape}] must be [${d}] for input [${x.shape}]`);
  }
  const rows = x.size / d;
  if (isNativeBackend()) {
    const fused = customOp(([xi, wi, bi], save) => {
      const [y, mean, rstd] = tf.engine().runKernel(FUSED.layerNorm, { x: xi, weight: wi, bias: bi }, { eps }) as tf.Tensor[];
      save([xi, wi, mean, rstd]);
      return {
        value: y,
        gradFunc: (dy, [sx, sw, smean, srstd]) =>
          tf.engine().runKernel(FUSED.layerNormGrad, { x: sx, weight: sw, mean: smean, rstd: srstd, dy }, {}) as tf.Tensor[],
      };
    });
    return fused(x, weight, bias);
  }
  const op = customOp(([xi, wi, bi], save) => {
    const x2 = tf.reshape(xi, [rows, d]);
    const mean = tf.mean(x2, 1, true);
    const centred = tf.sub(x2, mean);
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), 1, true), eps)); // [rows, 1]
    const xhat = tf.mul(centred, rstd);
    save([xhat, rstd, wi]);
    return {
      value: tf.reshape(tf.add(tf.mul(xhat, wi), bi), xi.shape),
      gradFunc: (dy, saved) => {
        const [sxhat, srstd, sw] = saved;
        const dy2 = tf.reshape(dy, [rows, d]);
        const g = tf.mul(dy2, sw);
        const meanG = tf.mean(g, 1, true);
        const meanGx = tf.mean(tf.mul(g, sxhat), 1, true);
        const dx = tf.mul(srstd, tf.sub(tf.sub(g, meanG), tf.mul(sxhat, meanGx)));
        return [tf.reshape(dx, xi.shape), tf.sum(tf.mul(dy2, sxhat), 0), tf.sum(dy2, 0)];
      },
    };
  });
  return op(x, weight, bias);
}
