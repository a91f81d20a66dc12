import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { Rng } from '@ecamp/io/rng';
import { Embedding } from './embedding.js';

describe.each(BACKENDS)('Embedding on %s', (backend) => {
  useBackend(backend);

  it('looks up rows and trains (scatter-add gradient) on a 30k-row table', () => {
    const emb = new Embedding(30000, 32, { rng: new Rng(1) });
    const ids = tf.tensor2d(
      [
        [5, 29999, 5],
        [0, 1, 2],
      ],
      [2, 3],
      'int32',
    );
    const out = emb.forward(ids);
    expect(out.shape).toEqual([2, 3, 32]);
    expect(Array.from(out.slice([0, 0, 0], [1, 1, 32]).dataSync())).toEqual(Array.from(emb.weight.slice([5, 0], [1, 32]).dataSync()));
    const { grads } = tf.variableGrads(() => tf.sum(emb.forward(ids)) as tf.Scalar, emb.parameters());
    const g = grads[emb.weight.name];
    expect(g.shape).toEqual([30000, 32]);
    expect(g.slice([5, 0], [1, 1]).dataSync()[0]).toBe(2);
    expect(g.slice([29999, 0], [1, 1]).dataSync()[0]).toBe(1);
    expect(g.slice([3, 0], [1, 1]).dataSync()[0]).toBe(0);
    emb.dispose();
  });
});
