import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { createVit } from '@ecamp/vision';
import { encodeTokens } from './cached-encoder.js';
import type { MemorySet } from './memory-set.js';
import { detection, fineTune, linearProbe, segmentation } from './tasks.js';

/** 32-px images; label 0 = a bright left half (also its mask and its box), label 1 = noise only. */
function brightLeft(n: number, seed: number): MemorySet {
  const rng = new Rng(seed);
  const size = 32;
  const plane = size * size;
  const pixels = new Float32Array(n * plane);
  const labels = new Float32Array(n * 2);
  const masks = new Uint8Array(n * plane);
  const boxes: [number, number, number, number][][] = [];
  for (let k = 0; k < n; k++) {
    const on = k % 2 === 0;
    labels[k * 2] = on ? 1 : 0;
    labels[k * 2 + 1] = rng.uniform() < 0.5 ? 1 : 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside = on && x < size / 2;
        pixels[k * plane + y * size + x] = rng.normal(0, 0.3) + (inside ? 1.5 : 0);
        masks[k * plane + y * size + x] = inside ? 1 : 0;
      }
    }
    boxes.push(on ? [[0, 0, size / 2, size]] : []);
  }
  return { size, count: n, numLabels: 2, imagePaths: Array.from({ length: n }, (_, i) => `${i}`), pixels, labels, masks, boxes };
}

describe('downstream tasks on memory sets', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });
  const vit = () => createVit('tiny', { imageSize: 32, patchSize: 16, embedDim: 16, depth: 1, numHeads: 2, seed: 3 });
  const settings = { epochs: 6, lr: 1e-2, batchSize: 8, weightDecay: 0 };

  it('linear probe and fine-tuning learn the image-borne label (AUROC of label 0 > 0.9), leak-free and seeded', async () => {
    const train = brightLeft(32, 1);
    const test = brightLeft(32, 2);
    const encoder = vit();
    const data = { train: { cache: encodeTokens(encoder, train), set: train }, test: { cache: encodeTokens(encoder, test), set: test } };
    const before = tf.memory().numTensors;
    const probe = await linearProbe(data.train, data.test, settings, 5);
    expect(tf.memory().numTensors).toBe(before);
    expect(probe.perLabelAuroc[0]).toBeGreaterThan(0.9);
    expect((await linearProbe(data.train, data.test, settings, 5)).auroc).toBe(probe.auroc);
    const tuned = await fineTune(encoder, train, test, { ...settings, lr: 3e-3 }, 5);
    expect(tf.memory().numTensors).toBe(before);
    expect(tuned.perLabelAuroc[0]).toBeGreaterThan(0.9);
    encoder.dispose();
  });

  it('segmentation scores Dice on the images with the finding; detection gives an mAP; both leak-free', async () => {
    const train = brightLeft(16, 3);
    const test = brightLeft(8, 4);
    const encoder = vit();
    const data = { train: { cache: encodeTokens(encoder, train), set: train }, test: { cache: encodeTokens(encoder, test), set: test } };
    encoder.dispose();
    const before = tf.memory().numTensors;
    const seg = await segmentation(data.train, data.test, { ...settings, epochs: 8, channels: [8, 8, 8, 8] }, 1);
    expect(seg.positiveImages).toBe(4);
    expect(seg.dice).toBeGreaterThan(0.5); // the bright half is easy to find from its patch tokens
    expect(seg.dice).toBeLessThanOrEqual(1);
    const det = await detection(data.train, data.test, { ...settings, channels: 8 }, 1);
    expect(det.map).toBeGreaterThanOrEqual(0);
    expect(det.map).toBeLessThanOrEqual(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
