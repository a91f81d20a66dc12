import { tf } from '../tf.js';
import { FUSED } from '../native/kernels/fused.js';
import { isNativeBackend } from '../native/runtime.js';
import { customOp } from './custom-op.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) — PyTorch's default `nn.GELU()` (not the tanh
 * approximation), with the closed-form gradient Φ(x) + x·φ(x) (φ the standard normal density),
 * which saves the erf chain of autodiff. On the native backend one fused kernel each way.
 * @param x any shape
 * @returns same shape
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (isNativeBackend() && x.dtype === 'float32') {
    const fused = customOp(([xi], save) => {
      save([xi]);
      return {
        value: tf.engine().runKernel(FUSED.gelu, { x: xi }, {}) as tf.Tensor,
        gradFunc: (dy, [sx]) => [tf.engine().runKernel(FUSED.geluGrad, { x: sx, dy }, {}) as tf.Tensor],
      };
    });
    return fused(x);
  }
  const op = customOp(([xi], save) => {
    const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(xi, Math.SQRT1_2))));
    save([xi, cdf]);
    return {
      value: tf.mul(xi, cdf),
      gradFunc: (dy, [sx, scdf]) => {
        const pdf = tf.mul(INV_SQRT_2PI, tf.exp(tf.mul(tf.square(sx), -0.5)));
        return [tf.mul(dy, tf.add(scdf, tf.mul(sx, pdf)))];
      },
    };
  });
  return op(x);
}
