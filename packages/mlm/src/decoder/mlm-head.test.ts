import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients, gelu, initBackend, Rng, tf } from '@ecamp/core';
import { MlmHead } from './mlm-head.js';

describe('MlmHead', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });

  it('computes decoder(LayerNorm(GELU(dense(x))))', () => {
    const head = new MlmHead(6, 11, { rng: new Rng(1) });
    const x = tf.randomNormal([2, 3, 6], 0, 1, 'float32', 2);
    const t = tf.add(tf.matMul(tf.reshape(x, [6, 6]), head.transform.dense.weight), head.transform.dense.bias!);
    const g = gelu(t);
    const { mean, variance } = tf.moments(g, -1, true);
    const n = tf.div(tf.sub(g, mean), tf.sqrt(tf.add(variance, 1e-12)));
    const want = tf.add(tf.matMul(n, head.decoder.weight), head.decoder.bias!);
    const got = tf.reshape(head.forward(x), [6, 11]);
    expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-4);
    expect(head.namedParameters().map((p) => p.name)).toEqual([
      'transform.dense.weight',
      'transform.dense.bias',
      'transform.LayerNorm.weight',
      'transform.LayerNorm.bias',
      'decoder.weight',
      'decoder.bias',
    ]);
  });

  it('passes a finite-difference gradient check w.r.t. its input', () => {
    const head = new MlmHead(4, 7, { rng: new Rng(3) });
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 4);
    const r = checkGradients((v) => head.forward(v), [x]);
    expect(r.maxRelError).toBeLessThan(2e-2);
  });
});
