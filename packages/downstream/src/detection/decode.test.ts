import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { yoloV3Config, type DetectionConfig } from './anchors.js';
import { AUTHORS_DECODE, decodeDetections } from './decode.js';
import { assignTargets } from './targets.js';
import type { Box } from '../metrics/box.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const logit = (p: number) => Math.log(p / (1 - p));

/** Raw outputs that say exactly the assigned targets: confident at positives, background elsewhere. */
function outputsFromTargets(boxes: Box[][], config: DetectionConfig): tf.Tensor4D[] {
  const t = assignTargets(boxes, config);
  const c = config.numClasses;
  return config.scales.map((scale, si) => {
    const a = scale.anchors.length;
    const slots = boxes.length * scale.grid * scale.grid * a;
    const values = new Float32Array(slots * (5 + c));
    for (let s = 0; s < slots; s++) {
      const o = s * (5 + c);
      const pos = t.scales[si].positive[s] === 1;
      const clamp = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));
      values[o] = pos ? logit(clamp(t.scales[si].box[s * 4])) : 0;
      values[o + 1] = pos ? logit(clamp(t.scales[si].box[s * 4 + 1])) : 0;
      values[o + 2] = pos ? t.scales[si].box[s * 4 + 2] : 0;
      values[o + 3] = pos ? t.scales[si].box[s * 4 + 3] : 0;
      values[o + 4] = pos ? 12 : -12;
      for (let k = 0; k < c; k++) values[o + 5 + k] = pos && t.scales[si].classes[s * c + k] === 1 ? 12 : -12;
    }
    return tf.tensor4d(values, [boxes.length, scale.grid, scale.grid, a * (5 + c)]);
  });
}

describe('decodeDetections', () => {
  const config = yoloV3Config(224, 1);

  it('inverts target encoding: known boxes come back from their raw outputs', () => {
    const boxes: Box[][] = [
      [
        [12, 12, 212, 192],
        [17, 36, 23, 44],
        [120.5, 60.25, 170, 130],
      ],
      [],
      [[30, 150, 90, 200]],
    ];
    const outputs = outputsFromTargets(boxes, config);
    const decoded = decodeDetections(outputs, config);
    expect(decoded).toHaveLength(3);
    boxes.forEach((truth, b) => {
      expect(decoded[b].boxes).toHaveLength(truth.length);
      for (const t of truth) {
        const match = decoded[b].boxes.find((d) => d.every((v, i) => Math.abs(v - t[i]) < 1e-3));
        expect(match, `box [${t}] of image ${b}`).toBeDefined();
      }
      decoded[b].scores.forEach((s) => expect(s).toBeGreaterThan(0.99));
      expect(decoded[b].labels.every((l) => l === 0)).toBe(true);
    });
    tf.dispose(outputs);
  });

  it('applies NMS: a duplicate prediction of the same box is suppressed', () => {
    const outputs = outputsFromTargets([[[50, 50, 100, 110]]], config);
    // Light up a neighbouring anchor slot on the same scale that decodes to a nearly identical box.
    const t = assignTargets([[[50, 50, 100, 110]]], config);
    const si = t.scales.findIndex((s) => s.positive.some((v) => v === 1));
    const values = outputs[si].dataSync().slice();
    const slot = t.scales[si].positive.indexOf(1);
    const next = slot + (slot % 3 === 2 ? -1 : 1); // another anchor of the same cell
    const anchorsOf = config.scales[si].anchors;
    const [aw, ah] = anchorsOf[slot % 3];
    const [bw, bh] = anchorsOf[next % 3];
    values.set(values.slice(slot * 6, slot * 6 + 6), next * 6);
    values[next * 6 + 2] += Math.log(aw / bw);
    values[next * 6 + 3] += Math.log(ah / bh);
    values[next * 6 + 4] = 8; // slightly less confident
    const patched = tf.tensor4d(values, outputs[si].shape as [number, number, number, number]);
    const withDuplicate = outputs.map((o, i) => (i === si ? patched : o));
    expect(decodeDetections(withDuplicate, config)[0].boxes).toHaveLength(1);
    expect(decodeDetections(withDuplicate, config, { iouThreshold: 0.999 })[0].boxes.length).toBeGreaterThanOrEqual(1);
    tf.dispose([...outputs, patched]);
  });

  it('rejects a wrong number of scales', () => {
    tf.tidy(() => {
      expect(() => decodeDetections([tf.zeros([1, 28, 28, 18])], config)).toThrow(/1 outputs for 3 scales/);
    });
  });
});

describe('decodeDetections with the authors’ post-processing', () => {
  it('scores by objectness alone, thresholds at 0.5 and leaves boxes unclipped', () => {
    const config = yoloV3Config(64, 1);
    // One anchor slot on the coarse scale: objectness σ = 0.6, class σ = 0.5 → ours 0.3, theirs 0.6.
    const outputs = config.scales.map((s) => {
      const values = new Float32Array(s.grid * s.grid * 3 * 6).fill(-12);
      if (s.grid === 2) {
        // Cell (0, 0), third anchor (channels 12–17): t_x = t_y = 0 (the cell's centre), t_w = t_h = 0 (the anchor's size).
        values.fill(0, 12, 16);
        values[16] = logit(0.6);
        values[17] = 0;
      }
      return tf.tensor4d(values, [1, s.grid, s.grid, 18]);
    });
    const ours = decodeDetections(outputs, config)[0];
    const theirs = decodeDetections(outputs, config, AUTHORS_DECODE)[0];
    expect(ours.scores).toEqual([expect.closeTo(0.3, 6)]);
    expect(theirs.scores).toEqual([expect.closeTo(0.6, 6)]);
    // The coarse scale's third anchor (373×326 at 416, 57×50 at 64) centred at (16, 16) reaches past 0.
    expect(theirs.boxes[0][0]).toBeLessThan(0);
    expect(ours.boxes[0][0]).toBe(0);
    expect(decodeDetections(outputs, config, { ...AUTHORS_DECODE, scoreThreshold: 0.7 })[0].boxes).toHaveLength(0);
    expect(() => decodeDetections(outputs, config, { score: 'class' as never })).toThrow(/unknown score 'class'/);
    tf.dispose(outputs);
  });
});
