import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { yoloV3Config } from './anchors.js';
import { DetectionHead, resampleFeatureMap } from './head.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('resampleFeatureMap', () => {
  it('average-pools by whole factors and keeps equal sizes', () => {
    tf.tidy(() => {
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
      expect(Array.from(resampleFeatureMap(x, 2).dataSync())).toEqual([3.5, 5.5, 11.5, 13.5]);
      expect(Array.from(resampleFeatureMap(x, 4).dataSync())).toEqual(Array.from(x.dataSync()));
      expect(resampleFeatureMap(x, 8).shape).toEqual([1, 8, 8, 1]);
    });
  });
});

describe('DetectionHead', () => {
  it('predicts 28/14/7 maps of 3·(5 + 1) channels from a 14×14 token map', () => {
    const head = new DetectionHead(8, yoloV3Config(224, 1), { channels: 4, rng: new Rng(1) });
    const shapes = tf.tidy(() => {
      const outs = head.forward(tf.randomNormal([2, 14, 14, 8], 0, 1, 'float32', 1) as tf.Tensor4D);
      return outs.map((o) => o.shape);
    });
    expect(shapes).toEqual([
      [2, 28, 28, 18],
      [2, 14, 14, 18],
      [2, 7, 7, 18],
    ]);
    expect(
      head
        .namedParameters()
        .map((p) => p.name)
        .filter((n) => n.startsWith('scales.0')),
    ).toEqual([
      'scales.0.conv.weight',
      'scales.0.bn.weight',
      'scales.0.bn.bias',
      'scales.0.bn.running_mean',
      'scales.0.bn.running_var',
      'scales.0.pred.weight',
      'scales.0.pred.bias',
    ]);
    head.dispose();
  });

  it('rejects features of the wrong width', () => {
    const head = new DetectionHead(8, yoloV3Config(224, 1), { channels: 2 });
    tf.tidy(() => {
      expect(() => head.forward(tf.zeros([1, 14, 14, 4]) as tf.Tensor4D)).toThrow(/not \[B, g, g, 8\]/);
    });
    head.dispose();
  });
});
