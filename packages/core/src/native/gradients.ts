/**
 * Gradients registered for the native backend's own kernels, and lighter gradients of `Sum` and
 * `Mean` on the native backend.
 *
 * Registered gradients (instead of `customOp`) are lazy: TF.js evaluates only the inputs that
 * need one, so the product of a linear layer's input gradient is skipped when the input is data
 * (a patch embedding's pixels). tfjs's own `Sum`/`Mean` gradients multiply dy by a ones tensor
 * filled in JavaScript and uploaded on every step (3.5 ms per MAE step for the per-patch MSE);
 * on the native backend dy is broadcast by a `Tile` copy instead. Other backends keep tfjs's
 * gradients unchanged.
 */
import { tf } from '../tf.js';
import { isNativeBackend } from './runtime.js';

/** The native linear kernel: y = x·W (+ b), x [..., in], W [in, out]. */
export const LINEAR_KERNEL = 'EcampLinear';

let registered = false;

/** Registers the gradients once (idempotent). */
export function registerNativeGradients(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: LINEAR_KERNEL,
    inputsToSave: ['x', 'weight'],
    gradFunc: (dy, saved) => {
      const [x, w] = saved;
      const [inF, outF] = w.shape;
      const rows = x.size / inF;
      const dy2 = () => tf.reshape(dy as tf.Tensor, [rows, outF]);
      return {
        x: () => tf.reshape(tf.matMul(dy2(), w as tf.Tensor2D, false, true), x.shape),
        weight: () => tf.matMul(tf.reshape(x, [rows, inF]), dy2(), true, false),
        bias: () => tf.sum(dy2(), 0),
      };
    },
  });
  for (const kernelName of ['Sum', 'Mean']) {
    const original = tf.getGradient(kernelName);
    if (original === undefined) throw new Error(`native gradients: tfjs has no gradient for ${kernelName}`);
    tf.registerGradient({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        if (!isNativeBackend()) return original.gradFunc(dy, saved, attrs);
        const [x] = saved;
        const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
        const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
        const reps = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
        const count = axes.reduce((n, a) => n * x.shape[a], 1);
        return {
          x: () => {
            const e = tf.reshape(dy as tf.Tensor, expanded);
            // Mean: (dy·1)/n in tfjs equals dy/n exactly, so the values do not change.
            return tf.tile(kernelName === 'Mean' ? tf.div(e, count) : e, reps);
          },
        };
      },
    });
  }
}
