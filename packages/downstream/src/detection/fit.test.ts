import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import type { DetectionConfig } from './anchors.js';
import { DetectionHead } from './head.js';
import { fitDetector } from './fit.js';
import { evaluateDetection } from './evaluate.js';
import { TinyEncoder } from '../../test/helpers/tiny-encoder.js';
import { syntheticDetectionBatches } from '../../test/helpers/synthetic-detection.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

// 32-pixel images, 2×2 token grid → scales 4 (upsampled), 2, 1 (pooled), as 28/14/7 are to 14.
const config: DetectionConfig = {
  imageSize: 32,
  numClasses: 1,
  scales: [
    { grid: 4, anchors: [[4, 4], [6, 6], [8, 8]] },
    { grid: 2, anchors: [[12, 12], [16, 16], [20, 20]] },
    { grid: 1, anchors: [[24, 24], [28, 28], [32, 32]] },
  ],
};

describe('fitDetector', () => {
  it('trains the head on a frozen encoder, leak-free, and localises squares (mAP ≫ 0)', async () => {
    const encoder = new TinyEncoder(2, 16, 16, 1, 5);
    const head = new DetectionHead(16, config, { channels: 16, rng: new Rng(3) });
    const encoderBefore = encoder.namedParameters().map((p) => Array.from(p.variable.dataSync()));
    const evaluate = () => evaluateDetection({ encoder, head, batches: syntheticDetectionBatches(new Rng(50), 2, 8) });
    const initial = await evaluate();
    const memory: number[] = [];
    const result = await fitDetector({
      encoder,
      head,
      epochs: 1,
      batches: (_e, rng) => syntheticDetectionBatches(rng, 40, 8),
      optimiser: { lr: 1e-2, weightDecay: 0 },
      rng: new Rng(4),
      onProgress: () => memory.push(tf.memory().numTensors),
    });
    expect(result.steps).toBe(40);
    expect(new Set(memory.slice(1)).size).toBe(1);
    encoder.namedParameters().forEach((p, i) => expect(Array.from(p.variable.dataSync())).toEqual(encoderBefore[i]));
    const before = tf.memory().numTensors;
    const final = await evaluate();
    expect(tf.memory().numTensors).toBe(before);
    expect(final.count).toBe(16);
    expect(final.perThreshold).toHaveLength(8);
    expect(final.map).toBeGreaterThan(0.5);
    expect(final.map).toBeGreaterThan(initial.map);
    result.dispose();
    encoder.dispose();
    head.dispose();
  });

  it('rejects a batch whose boxes do not match its images', async () => {
    const encoder = new TinyEncoder(2, 16, 8, 1);
    const head = new DetectionHead(8, config, { channels: 2 });
    await expect(
      fitDetector({
        encoder,
        head,
        epochs: 1,
        rng: new Rng(0),
        optimiser: { lr: 1e-3 },
        batches: () => [{ images: tf.zeros([2, 32, 32, 3]) as tf.Tensor4D, boxes: [[]] }],
      }),
    ).rejects.toThrow(/2 images but boxes for 1/);
    encoder.dispose();
    head.dispose();
  });
});
