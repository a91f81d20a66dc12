import { tf } from '../tf.js';
import { nativeSumSquares } from '../native/optim.js';

/** Gradients keyed by name (dotted parameter name or the variable's engine name, as `tf.variableGrads` returns). */
export type NamedGrads = Record<string, tf.Tensor>;

/** Global L2 norm of all gradients, read back as a number (NaN/Infinity if any entry is non-finite). */
export function globalNorm(grads: NamedGrads): number {
  const list = Object.values(grads);
  if (list.length === 0) return 0;
  const native = nativeSumSquares(list); // one call, no tensors, on the native backend
  if (native !== undefined) return Math.sqrt(native.reduce((a, b) => a + b, 0));
  const sq = tf.tidy(() => tf.addN(list.map((g) => tf.sum(tf.square(g)))));
  const v = sq.dataSync()[0];
  sq.dispose();
  return Math.sqrt(v);
}
