import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { patchify } from './patchify.js';
import { maeReconstruction } from './reconstruct.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('maeReconstruction', () => {
  it('pastes visible input patches and predicted removed ones', () => {
    const imgs = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 1);
    const pred = tf.fill([1, 4, 8], 7);
    const mask = tf.tensor2d([[0, 1, 1, 0]]);
    const out = maeReconstruction(imgs, pred, mask, 2);
    expect(out.shape).toEqual([1, 4, 4, 2]);
    const outPatches = patchify(out, 2).arraySync()[0];
    const inPatches = patchify(imgs, 2).arraySync()[0];
    expect(outPatches[0]).toEqual(inPatches[0]);
    expect(outPatches[3]).toEqual(inPatches[3]);
    expect(outPatches[1].every((v) => v === 7)).toBe(true);
    const only = maeReconstruction(imgs, pred, mask, 2, { predictionOnly: true });
    expect(Array.from(only.dataSync()).every((v) => v === 7)).toBe(true);
    tf.dispose([imgs, pred, mask, out, only]);
  });

  it('undoes the per-patch normalisation of norm_pix_loss', () => {
    const imgs = tf.randomNormal([2, 4, 4, 3], 2, 3, 'float32', 2);
    const target = patchify(imgs, 2);
    const f = 12;
    // the normalised target, i.e. a perfect norm-pix prediction
    const normed = tf.tidy(() => {
      const mean = tf.mean(target, -1, true);
      const v = tf.div(tf.sum(tf.square(tf.sub(target, mean)), -1, true), f - 1);
      return tf.div(tf.sub(target, mean), tf.sqrt(tf.add(v, 1e-6)));
    });
    const out = maeReconstruction(imgs, normed, tf.ones([2, 4]), 2, { normPixLoss: true });
    expect(tf.max(tf.abs(tf.sub(out, imgs))).dataSync()[0]).toBeLessThan(1e-4);
    expect(() => maeReconstruction(imgs, tf.zeros([2, 4, 5]), tf.ones([2, 4]), 2)).toThrow(/pred \[2,4,5\] does not match/);
    tf.dispose([imgs, target, normed, out]);
  });
});
