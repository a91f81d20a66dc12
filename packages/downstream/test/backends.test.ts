import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, namedGradients, disposeGrads, Rng, tf } from '@ecamp/core';
import { SegmentationDecoder } from '../src/segmentation/decoder.js';
import { segmentationLoss } from '../src/segmentation/mixed-loss.js';
import { DetectionHead } from '../src/detection/head.js';
import { assignTargets } from '../src/detection/targets.js';
import { yoloLoss } from '../src/detection/yolo-loss.js';
import { ClassificationHead } from '../src/classification/head.js';
import { classificationLoss } from '../src/classification/task.js';
import { TinyEncoder } from './helpers/tiny-encoder.js';
import { threeScalesTwoAnchors as config } from './helpers/detection-configs.js';

// The trainer runs on wasm by default; the other tests use cpu. The same losses and
// gradients must come out of both (float32, so compared with a tolerance).

/** Loss and per-parameter gradient sums of each head on one fixed batch. */
function lossesAndGradients(): Record<string, number[]> {
  const rng = new Rng(3);
  const features = tf.tensor4d(rng.normalArray(2 * 2 * 2 * 8), [2, 2, 2, 8]);
  const out: Record<string, number[]> = {};
  const record = (name: string, params: ReturnType<SegmentationDecoder['namedParameters']>, lossFn: () => tf.Scalar) => {
    const { loss, grads } = namedGradients(params, lossFn);
    out[name] = [loss.dataSync()[0], ...Object.values(grads).map((g) => tf.tidy(() => g.abs().sum().dataSync()[0]))];
    loss.dispose();
    disposeGrads(grads);
  };

  const decoder = new SegmentationDecoder(8, { channels: [4, 4, 3, 3], rng: new Rng(1) });
  const masks = tf.tensor4d(
    Float32Array.from({ length: 2 * 32 * 32 }, (_, i) => (i % 32 < 12 ? 1 : 0)),
    [2, 32, 32, 1],
  );
  record('segmentation', decoder.namedParameters(), () => segmentationLoss(decoder.forward(features), masks));

  const head = new DetectionHead(8, config, { channels: 4, rng: new Rng(2) });
  const boxes = [[[2, 3, 14, 20]], [[10, 10, 30, 28]]];
  const targets = assignTargets(boxes, config);
  record('detection', head.namedParameters(), () => yoloLoss(head.forward(features), targets, boxes, config).total);

  const encoder = new TinyEncoder(2, 4, 8, 1, 4);
  const cls = new ClassificationHead(8, 3, { rng: new Rng(5) });
  const images = tf.tensor4d(rng.normalArray(2 * 8 * 8 * 3), [2, 8, 8, 3]);
  record('finetune', [...encoder.namedParameters(), ...cls.namedParameters()], () =>
    classificationLoss('multi-class', cls.forward(encoder.forwardFeatures(images).tokens), [2, 0]),
  );

  tf.dispose([features, masks, images]);
  decoder.dispose();
  head.dispose();
  encoder.dispose();
  cls.dispose();
  return out;
}

afterAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('wasm and cpu backends', () => {
  it('give the same losses and gradients for every head', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    const cpu = lossesAndGradients();
    await initBackend({ backend: 'wasm', quiet: true });
    expect(tf.getBackend()).toBe('wasm');
    const wasm = lossesAndGradients();
    for (const name of Object.keys(cpu)) {
      expect(wasm[name]).toHaveLength(cpu[name].length);
      cpu[name].forEach((v, i) => {
        expect(Number.isFinite(wasm[name][i])).toBe(true);
        expect(Math.abs(wasm[name][i] - v) / Math.max(1, Math.abs(v)), `${name}[${i}]`).toBeLessThan(1e-3);
      });
    }
  });
});
