import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { customOp } from './custom-op.js';

describe('customOp', () => {
  useBackend('cpu');
  it('uses the supplied gradient instead of the automatic one', () => {
    // value x², but a deliberately different gradient 3·dy, to prove gradFunc is used
    const f = customOp(([x], save) => {
      save([x]);
      return { value: tf.square(x), gradFunc: (dy) => [tf.mul(dy, 3)] };
    });
    const x = tf.tensor1d([1, 2]);
    expect(Array.from(f(x).dataSync())).toEqual([1, 4]);
    expect(
      Array.from(
        tf
          .grad((v: tf.Tensor) => tf.sum(f(v)))(x)
          .dataSync(),
      ),
    ).toEqual([3, 3]);
  });
});
