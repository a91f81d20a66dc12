import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { Rng } from '@ecamp/io/rng';
import { Conv2d } from './conv2d.js';

describe.each(BACKENDS)('Conv2d on %s', (backend) => {
  useBackend(backend);

  it('has NHWC weights [kh, kw, in, out], PyTorch-default init bounds, and trains', () => {
    const conv = new Conv2d(3, 5, 3, { rng: new Rng(1) });
    expect(conv.weight.shape).toEqual([3, 3, 3, 5]);
    expect(Math.max(...Array.from(conv.weight.dataSync()).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(27));
    const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const y = conv.forward(x);
    expect(y.shape).toEqual([2, 6, 6, 5]);
    const ref = tf.add(tf.conv2d(x, conv.weight as tf.Tensor as tf.Tensor4D, 1, 'same'), conv.bias!);
    expect(tf.max(tf.abs(tf.sub(y, ref))).dataSync()[0]).toBeLessThan(1e-4);
    const { grads } = tf.variableGrads(() => tf.mean(tf.square(conv.forward(x))) as tf.Scalar, conv.parameters());
    expect(grads[conv.weight.name].shape).toEqual([3, 3, 3, 5]);
    expect(grads[conv.bias!.name].shape).toEqual([5]);
    const strided = new Conv2d(3, 2, [3, 3], { stride: 2, padding: 1, bias: false });
    expect(strided.forward(x).shape).toEqual([2, 3, 3, 2]);
    conv.dispose();
    strided.dispose();
  });
});
