import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { Rng } from '@ecamp/io/rng';
import { checkGradients } from '../testing/grad-check.js';
import { TransformerBlock } from './transformer-block.js';

describe.each(BACKENDS)('TransformerBlock on %s', (backend) => {
  useBackend(backend);

  it('is the pre-norm timm Block with timm parameter names', () => {
    const block = new TransformerBlock(8, 2, { rng: new Rng(1) });
    expect(block.namedParameters().map((p) => p.name)).toEqual([
      'norm1.weight',
      'norm1.bias',
      'attn.qkv.weight',
      'attn.qkv.bias',
      'attn.proj.weight',
      'attn.proj.bias',
      'norm2.weight',
      'norm2.bias',
      'mlp.fc1.weight',
      'mlp.fc1.bias',
      'mlp.fc2.weight',
      'mlp.fc2.bias',
    ]);
    expect(block.mlp.fc1.weight.shape).toEqual([8, 32]);
    expect(block.norm1.eps).toBe(1e-6);
    const x = tf.randomNormal([2, 3, 8], 0, 1, 'float32', 1);
    const mask = tf.tensor2d([
      [1, 1, 1],
      [1, 0, 0],
    ]);
    const h = tf.add(x, block.attn.forward(block.norm1.forward(x), { keyPaddingMask: mask }).output);
    const ref = tf.add(h, block.mlp.forward(block.norm2.forward(h)));
    expect(tf.max(tf.abs(tf.sub(block.forward(x, { keyPaddingMask: mask }), ref))).dataSync()[0]).toBeLessThan(1e-5);
    expect(checkGradients((xi) => block.forward(xi, { keyPaddingMask: mask }), [x]).maxRelError).toBeLessThan(1e-2);
    block.dispose();
  });
});
