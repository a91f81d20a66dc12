import { tf } from '../tf.js';

/**
 * How many tensors a forward + backward step of `loss` leaves behind. Runs `tf.variableGrads`
 * once as a warm-up (first calls may create lasting state, e.g. cached tables), then `steps` more
 * times, disposing the value and the gradients each time, and returns the change in
 * `tf.memory().numTensors` over those steps: 0 when a step leaks nothing. Without `variables` the
 * gradient is taken with respect to every trainable variable, as `tf.variableGrads` does.
 *
 * @example
 * expect(gradStepTensorLeak(() => lossOf(layer), layer.parameters())).toBe(0);
 */
export function gradStepTensorLeak(loss: () => tf.Scalar, variables?: tf.Variable[], steps = 2): number {
  const step = () => {
    const { value, grads } = tf.variableGrads(loss, variables);
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < steps; i++) step();
  return tf.memory().numTensors - before;
}
