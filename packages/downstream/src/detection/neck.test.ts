import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients, initBackend, Rng, tf } from '@ecamp/core';
import { yoloV3Config } from './anchors.js';
import { AUTHORS_YOLO_NECK, Bottleneck, upsampleNearest2, YoloNeckHead, yoloNeckWidths } from './neck.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const small = () => yoloNeckWidths(1 / 64, 2);

describe('upsampleNearest2', () => {
  it('repeats every pixel into a 2×2 block (PyTorch nearest ×2) with an exact gradient', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
    const y = upsampleNearest2(x);
    expect(y.shape).toEqual([1, 4, 4, 2]);
    const v = y.dataSync();
    const at = (r: number, c: number, k: number) => v[(r * 4 + c) * 2 + k];
    expect([at(0, 0, 0), at(0, 1, 0), at(1, 0, 0), at(1, 1, 0)]).toEqual([1, 1, 1, 1]);
    expect([at(0, 2, 1), at(1, 3, 1), at(3, 3, 1), at(2, 0, 0)]).toEqual([4, 4, 8, 5]);
    expect(checkGradients((t) => upsampleNearest2(t as tf.Tensor4D), [x]).maxRelError).toBeLessThan(1e-2);
    tf.dispose([x, y]);
  });
});

describe('yoloNeckWidths', () => {
  it('scales the authors’ widths, keeping bottleneck widths multiples of the expansion', () => {
    expect(yoloNeckWidths(1)).toEqual(AUTHORS_YOLO_NECK);
    expect(yoloNeckWidths(0.25)).toEqual({
      backbone: [128, 256, 512],
      filters: [
        [32, 64],
        [64, 128],
        [128, 256],
      ],
    });
    expect(yoloNeckWidths(1 / 64, 8).backbone).toEqual([8, 16, 32]);
    expect(() => yoloNeckWidths(0)).toThrow(/scale must be > 0/);
  });
});

describe('YoloNeckHead', () => {
  it('returns the three scales finest first with A·(5 + C) channels and names its parts', () => {
    const config = yoloV3Config(224, 1);
    const head = new YoloNeckHead(16, config, { widths: small(), expansion: 2, rng: new Rng(1) });
    const shapes = tf.tidy(() => head.forward(tf.randomNormal([2, 14, 14, 16], 0, 1, 'float32', 3) as tf.Tensor4D).map((t) => t.shape));
    expect(shapes).toEqual([
      [2, 28, 28, 18],
      [2, 14, 14, 18],
      [2, 7, 7, 18],
    ]);
    const names = head.namedParameters().map((p) => p.name);
    expect(names[0]).toBe('det_head.weight');
    for (const n of [
      'backbone.up.bias',
      'backbone.down.weight',
      'backbone.coarse.bn3.running_var',
      'embedding0.blocks.5.conv.weight',
      'embedding2.out.bias',
      'lateral1.conv.weight',
    ]) {
      expect(names).toContain(n);
    }
    expect(names).not.toContain('backbone.down.bias'); // the authors' stride-2 conv has no bias
    expect(head.embedding1.blocks.at(0).conv.weight.shape).toEqual([1, 1, small().backbone[1] + small().filters[1][0], small().filters[1][0]]);
    head.dispose();
  });

  it('trains every parameter: each gets a gradient, and a training step leaves the tensor count unchanged', () => {
    const config = yoloV3Config(64, 1);
    const head = new YoloNeckHead(8, config, { widths: small(), expansion: 2, tokenProjection: false, rng: new Rng(2) });
    expect(head.namedParameters().some((p) => p.name.startsWith('det_head'))).toBe(false);
    const x = tf.randomNormal([2, 4, 4, 8], 0, 1, 'float32', 4) as tf.Tensor4D;
    const loss = () => tf.addN(head.forward(x).map((o) => tf.mean(tf.square(o)))) as tf.Scalar;
    const trainable = head
      .namedParameters()
      .filter((p) => p.variable.trainable)
      .map((p) => p.variable);
    const first = tf.variableGrads(loss, trainable);
    expect(Object.keys(first.grads)).toHaveLength(trainable.length);
    for (const g of Object.values(first.grads)) expect(tf.tidy(() => g.abs().sum().dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([first.value, ...Object.values(first.grads)]);
    const before = tf.memory().numTensors;
    const second = tf.variableGrads(loss, trainable);
    tf.dispose([second.value, ...Object.values(second.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    head.dispose();
  });

  it('rejects a map of the wrong size and configs it cannot serve', () => {
    const head = new YoloNeckHead(8, yoloV3Config(64, 1), { widths: small(), expansion: 2 });
    tf.tidy(() => {
      expect(() => head.forward(tf.zeros([1, 3, 3, 8]) as tf.Tensor4D)).toThrow(/features \[1,3,3,8\] are not \[B, 4, 4, 8\]/);
    });
    head.dispose();
    const two = { imageSize: 64, numClasses: 1, scales: yoloV3Config(64, 1).scales.slice(0, 2) };
    expect(() => new YoloNeckHead(8, two)).toThrow(/needs 3 scales/);
    expect(() => new Bottleneck(6, 4, new Rng(0))).toThrow(/6 channels are not a multiple of expansion 4/);
  });
});
