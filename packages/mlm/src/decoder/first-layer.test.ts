import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Module, Rng, tf } from '@ecamp/core';
import type { FirstTextLayer, FirstTextLayerInput, FirstTextLayerOutput } from './first-layer.js';
import { TextDecoder } from './text-decoder.js';
import { textDecoderConfig } from './config.js';

/** A structural implementation (as @ecamp/fusion writes one) that records what it received. */
class RecordingLayer extends Module implements FirstTextLayer {
  readonly dim = 8;
  seen: Partial<Record<keyof FirstTextLayerInput, number[] | boolean | undefined>> = {};
  forward(input: FirstTextLayerInput): FirstTextLayerOutput {
    this.seen = {
      hidden: input.hidden.shape,
      textMask: input.textMask.shape,
      patches: input.patches.shape,
      pooled: input.pooled.shape,
      returnAttention: input.returnAttention,
    };
    const [b, l] = input.hidden.shape;
    const m = input.patches.shape[1];
    return { hidden: tf.clone(input.hidden) as tf.Tensor3D, attention: input.returnAttention ? (tf.fill([b, 2, l, m], 1 / m) as tf.Tensor4D) : undefined };
  }
}

describe('FirstTextLayer contract', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });

  it('the decoder passes text states, a float mask, patches, pooled token and the attention flag', () => {
    const first = new RecordingLayer();
    const dec = new TextDecoder(textDecoderConfig({ vocabSize: 20, dim: 8, numLayers: 1, numHeads: 2, intermediate: 8, maxPositions: 4, dropout: 0 }), {
      firstLayer: first,
      rng: new Rng(1),
    });
    const out = dec.forward({
      inputIds: tf.tensor2d([[2, 5, 6]], [1, 3], 'int32'),
      attentionMask: tf.tensor2d([[1, 1, 0]], [1, 3], 'int32'),
      image: { patches: tf.zeros([1, 5, 12]) as tf.Tensor3D, pooled: tf.zeros([1, 12]) as tf.Tensor2D },
      returnAttention: true,
    });
    expect(first.seen).toEqual({ hidden: [1, 3, 8], textMask: [1, 3], patches: [1, 5, 12], pooled: [1, 12], returnAttention: true });
    expect(out.attention!.shape).toEqual([1, 2, 3, 5]);
  });
});
