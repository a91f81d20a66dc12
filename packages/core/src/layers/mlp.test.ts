import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { Rng } from '@ecamp/io/rng';
import { checkGradients } from '../testing/grad-check.js';
import { gelu } from '../kernels/gelu.js';
import { Mlp } from './mlp.js';

describe.each(BACKENDS)('Mlp on %s', (backend) => {
  useBackend(backend);

  it('is fc2(gelu(fc1(x))) with timm names and correct gradients', () => {
    const mlp = new Mlp(4, 8, { rng: new Rng(1) });
    expect(mlp.namedParameters().map((p) => p.name)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1);
    const ref = mlp.fc2.forward(gelu(mlp.fc1.forward(x)));
    expect(tf.max(tf.abs(tf.sub(mlp.forward(x), ref))).dataSync()[0]).toBeLessThan(1e-6);
    expect(checkGradients((xi) => mlp.forward(xi), [x]).maxRelError).toBeLessThan(1e-2);
    const relu = new Mlp(4, 8, { act: 'relu', outDim: 2, rng: new Rng(1) });
    expect(relu.forward(x).shape).toEqual([2, 3, 2]);
    mlp.dispose();
    relu.dispose();
  });
});
