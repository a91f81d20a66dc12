import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { Module } from '../module.js';
import { Rng } from '@ecamp/io/rng';
import { Embedding } from '../layers/embedding.js';
import { TransformerBlock } from '../layers/transformer-block.js';
import { MultiHeadAttention } from '../layers/attention.js';
import { Conv2d } from '../layers/conv2d.js';
import { Linear } from '../layers/linear.js';
import { softmaxCrossEntropyWithIntLabels } from '../kernels/softmax-cross-entropy.js';
import { takeAlongAxis1 } from '../kernels/take-along-axis.js';
import { AdamW } from './adamw.js';
import { namedGradients, trainStep } from './train-step.js';

/** A miniature of every layer the project trains, to exercise a full step. */
class Tiny extends Module {
  readonly emb: Embedding;
  readonly block: TransformerBlock;
  readonly cross: MultiHeadAttention;
  readonly conv: Conv2d;
  readonly head: Linear;
  constructor(rng: Rng) {
    super();
    this.emb = this.addModule('emb', new Embedding(50, 16, { rng: rng.fork('emb') }));
    this.block = this.addModule('block', new TransformerBlock(16, 2, { rng: rng.fork('block') }));
    this.cross = this.addModule('cross', new MultiHeadAttention(16, 2, { kvDim: 16, rng: rng.fork('cross') }));
    this.conv = this.addModule('conv', new Conv2d(16, 16, 3, { rng: rng.fork('conv') }));
    this.head = this.addModule('head', new Linear(16, 50, { rng: rng.fork('head') }));
  }
  loss(ids: tf.Tensor, mask: tf.Tensor, keep: tf.Tensor, labels: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      const x = this.block.forward(this.emb.forward(ids), { keyPaddingMask: mask }); // [2, 4, 16]
      const img = this.conv.forward(tf.reshape(x, [2, 2, 2, 16]) as tf.Tensor4D);
      const ctx = takeAlongAxis1(tf.reshape(img, [2, 4, 16]), keep); // [2, 2, 16]
      const fused = this.cross.forward(x, { context: ctx }).output;
      const logits = tf.reshape(this.head.forward(fused), [8, 50]);
      return tf.mean(softmaxCrossEntropyWithIntLabels(logits, labels)) as tf.Scalar;
    });
  }
}

describe.each(BACKENDS)('trainStep on %s', (backend) => {
  useBackend(backend);

  it('trains every layer, lowers the loss and leaks no tensors', () => {
    const model = new Tiny(new Rng(1));
    const ids = tf.tensor2d(
      [
        [1, 2, 3, 4],
        [5, 6, 0, 0],
      ],
      [2, 4],
      'int32',
    );
    const mask = tf.tensor2d([
      [1, 1, 1, 1],
      [1, 1, 0, 0],
    ]);
    const keep = tf.tensor2d(
      [
        [0, 3],
        [2, 1],
      ],
      [2, 2],
      'int32',
    );
    const labels = tf.tensor1d([7, 8, 9, 10, 11, 12, -100, -100], 'int32');
    const opt = new AdamW(model.namedParameters(), { lr: 1e-2 });
    const first = trainStep(model, () => model.loss(ids, mask, keep, labels), opt, { maxGradNorm: 1 });
    expect(first.applied).toBe(true);
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 5; i++) last = trainStep(model, () => model.loss(ids, mask, keep, labels), opt, { maxGradNorm: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(last.loss).toBeLessThan(first.loss);
    // every parameter receives a gradient
    const { loss, grads } = namedGradients(model.namedParameters(), () => model.loss(ids, mask, keep, labels));
    expect(Object.keys(grads).sort()).toEqual(
      model
        .namedParameters()
        .map((p) => p.name)
        .sort(),
    );
    loss.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    opt.dispose();
    model.dispose();
  });

  it('is deterministic: the same seed gives bit-identical losses', () => {
    const ids = tf.tensor2d(
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ],
      [2, 4],
      'int32',
    );
    const mask = tf.ones([2, 4]);
    const keep = tf.tensor2d(
      [
        [1, 2],
        [3, 0],
      ],
      [2, 2],
      'int32',
    );
    const labels = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8], 'int32');
    const run = () => {
      const model = new Tiny(new Rng(7));
      const opt = new AdamW(model.namedParameters(), { lr: 1e-2 });
      const losses = [0, 1, 2].map(() => trainStep(model, () => model.loss(ids, mask, keep, labels), opt).loss);
      opt.dispose();
      model.dispose();
      return losses;
    };
    expect(run()).toEqual(run());
  });

  it('skips the update on a non-finite loss and says so', () => {
    const lin = new Linear(2, 1);
    const opt = new AdamW(lin.namedParameters(), { lr: 0.1 });
    const before = Array.from(lin.weight.dataSync());
    const r = trainStep(lin, () => tf.mul(tf.sum(lin.forward(tf.ones([1, 2]))), NaN) as tf.Scalar, opt);
    expect(r.applied).toBe(false);
    expect(r.reason).toMatch(/non-finite/);
    expect(Array.from(lin.weight.dataSync())).toEqual(before);
    lin.dispose();
  });
});
