import { tf } from '../tf.js';

/** Forward half of a {@link customOp}: computes the value and says how to differentiate it. */
export type CustomOpForward = (
  inputs: tf.Tensor[],
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/**
 * Typed wrapper of `tf.customGrad`: `forward(inputs, save)` returns the value and a gradient
 * function giving one gradient per input. Intermediate tensors of the forward are not recorded
 * on the tape, so only what is `save`d stays alive for the backward pass.
 */
export function customOp(forward: CustomOpForward): (...inputs: tf.Tensor[]) => tf.Tensor {
  const f = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args.pop() as tf.GradSaveFunc;
    return forward(args as tf.Tensor[], save);
  }) as Parameters<typeof tf.customGrad>[0]);
  return (...inputs: tf.Tensor[]) => f(...inputs) as tf.Tensor;
}
