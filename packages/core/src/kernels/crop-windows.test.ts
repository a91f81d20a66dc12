import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { cropWindows } from './crop-windows.js';

describe.each(BACKENDS)('cropWindows on %s', (backend) => {
  useBackend(backend);

  const x = () =>
    tf.tensor4d(
      Float32Array.from({ length: 2 * 5 * 6 * 2 }, (_, i) => i + 1),
      [2, 5, 6, 2],
    );

  it('crops each example at its own origin, with zeros outside the image', () => {
    const t = x();
    const out = cropWindows(
      t,
      [
        { top: 1, left: 2 },
        { top: -1, left: 4 },
      ],
      [3, 3],
    );
    expect(out.shape).toEqual([2, 3, 3, 2]);
    const v = out.arraySync();
    // Example 0: rows 1..3, columns 2..4 of the input.
    expect(v[0][0][0]).toEqual(Array.from(t.slice([0, 1, 2, 0], [1, 1, 1, 2]).dataSync()));
    expect(v[0][2][2]).toEqual(Array.from(t.slice([0, 3, 4, 0], [1, 1, 1, 2]).dataSync()));
    // Example 1: row −1 and columns 6.. are outside → 0.
    expect(v[1][0]).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(v[1][1][2]).toEqual([0, 0]);
    expect(v[1][1][0]).toEqual(Array.from(t.slice([1, 0, 4, 0], [1, 1, 1, 2]).dataSync()));
    tf.dispose([t, out]);
  });

  it('gradient: each crop flows back into its own example only (finite differences), in one buffer', () => {
    const t = tf.randomNormal([2, 5, 6, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
    const origins = [
      { top: 1, left: 2 },
      { top: -1, left: 4 },
    ];
    const r = checkGradients((a) => tf.sin(cropWindows(a as tf.Tensor4D, origins, [3, 3])), [t]);
    expect(r.maxRelError).toBeLessThan(1e-2);
    const g = tf.grad((a: tf.Tensor) => tf.sum(cropWindows(a as tf.Tensor4D, origins, [3, 3])))(t);
    // Ones exactly where a crop read the input.
    expect(tf.sum(g).dataSync()[0]).toBe(3 * 3 * 2 + 2 * 2 * 2);
    expect(g.slice([0, 0, 0, 0], [1, 1, 6, 2]).sum().dataSync()[0]).toBe(0);
    tf.dispose([t, g]);
  });

  it('rejects a wrong number of origins and non-integer sizes', () => {
    const t = x();
    expect(() => cropWindows(t, [{ top: 0, left: 0 }], [2, 2])).toThrow(/1 origins for a batch of 2/);
    expect(() =>
      cropWindows(
        t,
        [
          { top: 0, left: 0 },
          { top: 0.5, left: 0 },
        ],
        [2, 2],
      ),
    ).toThrow(/origin 1/);
    expect(() =>
      cropWindows(
        t,
        [
          { top: 0, left: 0 },
          { top: 0, left: 0 },
        ],
        [0, 2],
      ),
    ).toThrow(/size/);
    t.dispose();
  });

  it('leaks no tensors through forward and backward', () => {
    const t = x();
    const before = tf.memory().numTensors;
    const g = tf.grad((a: tf.Tensor) =>
      tf.sum(
        cropWindows(
          a as tf.Tensor4D,
          [
            { top: 0, left: 0 },
            { top: 2, left: 1 },
          ],
          [2, 4],
        ),
      ),
    )(t);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
