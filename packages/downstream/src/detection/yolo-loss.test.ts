import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients, initBackend, tf } from '@ecamp/core';
import { assignTargets } from './targets.js';
import { ignoreMask, yoloLoss } from './yolo-loss.js';
import type { Box } from '../metrics/box.js';
import { twoScalesTwoAnchors as config } from '../../test/helpers/detection-configs.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const boxes: Box[][] = [
  [[2, 2, 7, 6]],
  [
    [4, 4, 28, 26],
    [20, 20, 28, 30],
  ],
];

function randomOutputs(seed: number): tf.Tensor4D[] {
  return config.scales.map((s, i) => tf.randomNormal([2, s.grid, s.grid, 2 * 6], 0, 1, 'float32', seed + i) as tf.Tensor4D);
}

describe('yoloLoss', () => {
  const targets = assignTargets(boxes, config);

  it('is small for outputs that match the targets and large for random ones', () => {
    const random = randomOutputs(1);
    const r = yoloLoss(random, targets, boxes, config);
    expect(r.total.dataSync()[0]).toBeCloseTo(r.xy.dataSync()[0] + r.wh.dataSync()[0] + r.objectness.dataSync()[0] + r.classes.dataSync()[0], 4);
    // perfect: logits saturated towards the targets
    const perfect = config.scales.map((s, si) => {
      const t = targets.scales[si];
      const v = new Float32Array(t.positive.length * 6);
      for (let k = 0; k < t.positive.length; k++) {
        const pos = t.positive[k] === 1;
        v[k * 6 + 2] = t.box[k * 4 + 2];
        v[k * 6 + 3] = t.box[k * 4 + 3];
        v[k * 6 + 4] = pos ? 15 : -15;
        v[k * 6 + 5] = 15;
        // centre BCE is minimised (not zero) at σ(x) = target
        const logit = (p: number) => Math.log(Math.max(1e-6, p) / Math.max(1e-6, 1 - p));
        v[k * 6] = pos ? logit(t.box[k * 4]) : 0;
        v[k * 6 + 1] = pos ? logit(t.box[k * 4 + 1]) : 0;
      }
      return tf.tensor4d(v, [2, s.grid, s.grid, 12]);
    });
    const p = yoloLoss(perfect, targets, boxes, config);
    expect(p.wh.dataSync()[0]).toBeCloseTo(0, 6);
    expect(p.objectness.dataSync()[0]).toBeLessThan(1e-4);
    expect(p.total.dataSync()[0]).toBeLessThan(r.total.dataSync()[0] / 3);
    tf.dispose([...random, ...perfect, ...Object.values(r), ...Object.values(p)]);
  });

  it('passes a finite-difference gradient check (ignore mask off)', () => {
    const outputs = randomOutputs(5);
    // The coarse scale holds a positive (the 24×22 box) and negatives; every output channel is checked.
    for (const si of [1]) {
      const f = (v: tf.Tensor) => {
        const outs = outputs.map((o, i) => (i === si ? (v as tf.Tensor4D) : o));
        const parts = yoloLoss(outs, targets, boxes, config, { ignoreThreshold: 1 });
        tf.dispose([parts.xy, parts.wh, parts.objectness, parts.classes]);
        return parts.total;
      };
      const g = tf.grad(f)(outputs[si]);
      expect(checkGradients(f, [outputs[si]], { eps: 1e-2, probes: outputs[si].size }).maxRelError).toBeLessThan(5e-3);
      g.dispose();
    }
    tf.dispose(outputs);
  });

  it('ignores negatives whose prediction already overlaps a true box', () => {
    // scale 1, image 1: put a non-responsible anchor's decoded box right on the second truth box
    const values = new Float32Array(2 * 2 * 2 * 2 * 6);
    // cell (row 1, col 1) anchor 0 (12×12 anchor): centre (24, 24) ± … decoded as the [20,20,28,30] box? use its own coding
    const slot = ((1 * 2 + 1) * 2 + 1) * 2 + 0;
    const logit = (p: number) => Math.log(p / (1 - p));
    values.set([logit(0.5), logit(0.5 + 1 / 16), Math.log(8 / 12), Math.log(10 / 12)], slot * 6);
    const mask = ignoreMask(values, boxes, config, 1, 0.5);
    expect(mask[slot]).toBe(1);
    expect(mask.reduce((a, v) => a + v, 0)).toBe(1);
  });

  it('rejects outputs of the wrong shape', () => {
    tf.tidy(() => {
      expect(() => yoloLoss([tf.zeros([2, 4, 4, 10]) as tf.Tensor4D, tf.zeros([2, 2, 2, 12]) as tf.Tensor4D], targets, boxes, config)).toThrow(
        /scale 0 output \[2,4,4,10\] is not \[2, 4, 4, 12\]/,
      );
    });
  });
});
