import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { resizeBilinear } from './resize-bilinear.js';

describe.each(BACKENDS)('resizeBilinear on %s', (backend) => {
  useBackend(backend);

  it('matches PyTorch interpolate(bilinear, align_corners=False) for ×2', () => {
    // torch: F.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), scale_factor=2, mode='bilinear')[0, 0, 0]
    const x = tf.tensor4d([0, 1, 2, 3], [1, 2, 2, 1]);
    const row0 = resizeBilinear(x, [4, 4]).slice([0, 0, 0, 0], [1, 1, 4, 1]).dataSync();
    [0, 0.25, 0.75, 1].forEach((e, i) => expect(row0[i]).toBeCloseTo(e, 5));
  });

  it('matches tf.image.resizeBilinear forward (half-pixel centres) for up- and down-sampling', () => {
    const x = tf.randomNormal([2, 5, 7, 3], 0, 1, 'float32', 19) as tf.Tensor4D;
    for (const size of [
      [10, 14],
      [3, 4],
      [5, 9],
    ] as Array<[number, number]>) {
      const ref = tf.image.resizeBilinear(x, size, false, true);
      expect(tf.max(tf.abs(tf.sub(resizeBilinear(x, size), ref))).dataSync()[0]).toBeLessThan(1e-5);
      const refAc = tf.image.resizeBilinear(x, size, true, false);
      expect(tf.max(tf.abs(tf.sub(resizeBilinear(x, size, true), refAc))).dataSync()[0]).toBeLessThan(1e-5);
    }
  });

  it('has a finite-difference-correct gradient (half-pixel and align-corners)', () => {
    const x = tf.randomNormal([1, 3, 3, 2], 0, 1, 'float32', 9);
    expect(checkGradients((a) => resizeBilinear(a as tf.Tensor4D, [6, 5]), [x]).maxRelError).toBeLessThan(1e-2);
    expect(checkGradients((a) => resizeBilinear(a as tf.Tensor4D, [6, 5], true), [x]).maxRelError).toBeLessThan(1e-2);
  });
});
