import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { DetectionHead } from './head.js';
import { YoloNeckHead, yoloNeckWidths } from './neck.js';
import { fitDetector } from './fit.js';
import { evaluateDetection } from './evaluate.js';
import { TinyEncoder } from '../../test/helpers/tiny-encoder.js';
import { syntheticDetectionBatches } from '../../test/helpers/synthetic-detection.js';
import { threeScalesThreeAnchors as config } from '../../test/helpers/detection-configs.js';
import { checkFrozenEncoderFit, oneStepRun } from '../../test/helpers/frozen-encoder-fit.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('fitDetector', () => {
  it('trains the head on a frozen encoder, leak-free, and localises squares (mAP ≫ 0)', async () => {
    const encoder = new TinyEncoder(2, 16, 16, 1, 5);
    const head = new DetectionHead(16, config, { channels: 16, rng: new Rng(3) });
    const { initial, final, result } = await checkFrozenEncoderFit(
      encoder,
      () => evaluateDetection({ encoder, head, batches: syntheticDetectionBatches(new Rng(50), 2, 8) }),
      (onProgress) =>
        fitDetector({
          encoder,
          head,
          epochs: 1,
          batches: (_e, rng) => syntheticDetectionBatches(rng, 40, 8),
          optimiser: { lr: 1e-2, weightDecay: 0 },
          rng: new Rng(4),
          onProgress,
        }),
    );
    expect(result.steps).toBe(40);
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
    await expect(fitDetector({ encoder, head, ...oneStepRun({ images: tf.zeros([2, 32, 32, 3]) as tf.Tensor4D, boxes: [[]] }) })).rejects.toThrow(
      /2 images but boxes for 1/,
    );
    encoder.dispose();
    head.dispose();
  });

  it('trains the authors’ YOLOv3 neck with the encoder fine-tuned, leak-free, and scores both mAPs', async () => {
    const encoder = new TinyEncoder(2, 16, 16, 1, 5);
    const head = new YoloNeckHead(16, config, { widths: yoloNeckWidths(1 / 32, 2), expansion: 2, rng: new Rng(8) });
    const encoderBefore = encoder.namedParameters().map((p) => Array.from(p.variable.dataSync()));
    const memory: number[] = [];
    const result = await fitDetector({
      encoder,
      head,
      epochs: 1,
      trainEncoder: true,
      batches: (_e, rng) => syntheticDetectionBatches(rng, 30, 8),
      optimiser: { lr: 3e-3, weightDecay: 0, maxGradNorm: 1 },
      rng: new Rng(9),
      onProgress: (p) => memory.push(tf.memory().numTensors, p.gradNorm),
    });
    expect(result.steps).toBe(30);
    expect(result.optimiser.params.some((p) => p.name === 'encoder.patch_embed.weight')).toBe(true);
    expect(new Set(memory.filter((_, i) => i % 2 === 0).slice(1)).size).toBe(1);
    const moved = encoder.namedParameters().some((p, i) => Array.from(p.variable.dataSync()).some((v, k) => v !== encoderBefore[i][k]));
    expect(moved).toBe(true);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(result.losses.slice(-5))).toBeLessThan(mean(result.losses.slice(0, 5)));
    const r = await evaluateDetection({ encoder, head, batches: syntheticDetectionBatches(new Rng(50), 2, 8), authors: true });
    expect(r.truth).toHaveLength(16);
    expect(r.authors).toBeDefined();
    expect(r.authors!.images).toBeLessThanOrEqual(16);
    expect(r.authors!.perThreshold).toHaveLength(8);
    result.dispose();
    encoder.dispose();
    head.dispose();
  });
});
