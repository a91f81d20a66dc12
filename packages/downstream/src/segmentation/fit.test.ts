import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { fitSegmenter, frozenFeatureMap } from './fit.js';
import { evaluateSegmentation } from './evaluate.js';
import { SegmentationDecoder } from './decoder.js';
import { TinyEncoder } from '../../test/helpers/tiny-encoder.js';
import { syntheticSegmentationBatches } from '../../test/helpers/synthetic-segmentation.js';
import { checkFrozenEncoderFit, oneStepRun } from '../../test/helpers/frozen-encoder-fit.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('fitSegmenter', () => {
  it('trains the decoder on a frozen encoder, leak-free, and raises per-image Dice', async () => {
    const encoder = new TinyEncoder(2, 16, 16, 1, 5);
    const decoder = new SegmentationDecoder(16, { channels: [8, 8, 4, 4], rng: new Rng(6) });
    const { initial, final, result } = await checkFrozenEncoderFit(
      encoder,
      () => evaluateSegmentation({ encoder, decoder, batches: syntheticSegmentationBatches(new Rng(77), 2, 4, 2, 16) }),
      (onProgress) =>
        fitSegmenter({
          encoder,
          decoder,
          epochs: 1,
          batches: (_e, rng) => syntheticSegmentationBatches(rng, 25, 4, 2, 16),
          optimiser: { lr: 1e-2, weightDecay: 0 },
          rng: new Rng(7),
          onProgress,
        }),
    );
    expect(result.steps).toBe(25);
    expect(final.count).toBe(8);
    expect(final.perImageDice[0]).toHaveLength(8);
    expect(final.dice).toBeGreaterThan(0.8);
    expect(final.dice).toBeGreaterThan(initial.dice);
    expect(final.iou).toBeLessThanOrEqual(final.dice);
    result.dispose();
    encoder.dispose();
    decoder.dispose();
  });

  it('names the shapes when masks do not match the decoder output', async () => {
    const encoder = new TinyEncoder(2, 16, 8, 1);
    const decoder = new SegmentationDecoder(8, { channels: [2, 2, 2, 2] });
    const mismatched = { images: tf.zeros([1, 32, 32, 3]) as tf.Tensor4D, masks: tf.zeros([1, 16, 16, 1]) as tf.Tensor4D };
    await expect(fitSegmenter({ encoder, decoder, ...oneStepRun(mismatched) })).rejects.toThrow(/decoder output \[1,32,32,1\] but masks \[1,16,16,1\]/);
    tf.tidy(() => {
      expect(frozenFeatureMap(encoder, tf.zeros([1, 32, 32, 3]) as tf.Tensor4D).shape).toEqual([1, 2, 2, 8]);
    });
    encoder.dispose();
    decoder.dispose();
  });

  it('fine-tunes the encoder too with trainEncoder, under SGD with momentum', async () => {
    const encoder = new TinyEncoder(2, 16, 16, 1, 5);
    const decoder = new SegmentationDecoder(16, { channels: [4, 4, 4, 4], rng: new Rng(6) });
    const before = encoder.namedParameters().map((p) => Array.from(p.variable.dataSync()));
    const memory: number[] = [];
    const result = await fitSegmenter({
      encoder,
      decoder,
      epochs: 1,
      trainEncoder: true,
      batches: (_e, rng) => syntheticSegmentationBatches(rng, 6, 4, 2, 16),
      optimiser: { kind: 'sgd', lr: 1e-2, momentum: 0.9 },
      rng: new Rng(7),
      onProgress: () => memory.push(tf.memory().numTensors),
    });
    expect(result.optimiser.constructor.name).toBe('Sgd');
    expect(result.optimiser.params.filter((p) => p.name.startsWith('encoder.')).length).toBe(encoder.namedParameters().length);
    expect(new Set(memory.slice(1)).size).toBe(1);
    encoder.namedParameters().forEach((p, i) => expect(Array.from(p.variable.dataSync())).not.toEqual(before[i]));
    result.dispose();
    encoder.dispose();
    decoder.dispose();
  });
});
