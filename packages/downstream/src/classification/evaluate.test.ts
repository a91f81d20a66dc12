import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { evaluateClassification } from './evaluate.js';
import { ClassificationHead } from './head.js';
import { PixelEncoder } from '../../test/helpers/pixel-encoder.js';
import { auroc } from '../metrics/auroc.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

/** A head that outputs the pooled channels' deviations, scaled: logits ∝ LayerNorm(mean pixel). */
function fixedHead(classes: number): ClassificationHead {
  const head = new ClassificationHead(3, classes, { numPrefixTokens: 0 });
  const w = Array.from({ length: 3 * classes }, (_, k) => (Math.floor(k / classes) === k % classes ? 1 : 0));
  head.head.weight.assign(tf.tensor2d(w, [3, classes]));
  return head;
}

/** 1×1 images whose single pixel is the given colour. */
function batch(colours: number[][], labels: number[]) {
  return { images: tf.tensor4d(colours.flat(), [colours.length, 1, 1, 3]), labels };
}

describe('evaluateClassification', () => {
  it('multi-label: AUROC per label over all batches, leak-free', async () => {
    const head = fixedHead(2);
    const before = tf.memory().numTensors;
    const colours = [
      [3, 0, 1],
      [0, 3, 1],
      [2, 1, 0],
      [0, 1, 2],
    ];
    const labels = [1, 0, 0, 1, 1, 0, 0, 0];
    const r = await evaluateClassification({
      encoder: new PixelEncoder(1),
      head,
      task: 'multi-label',
      batches: [batch(colours.slice(0, 2), labels.slice(0, 4)), batch(colours.slice(2), labels.slice(4))],
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.count).toBe(4);
    // label 0 scores rank by LayerNorm(colour)[0]: rows 0 and 2 are the positives and the two highest
    expect(r.perLabelAuroc[0]).toBe(1);
    const s1 = [1, 3, 5, 7].map((i) => r.scores[i]);
    expect(r.perLabelAuroc[1]).toBe(auroc(s1, [0, 1, 0, 0]));
    expect(r.auroc).toBeCloseTo((r.perLabelAuroc[0] + r.perLabelAuroc[1]) / 2, 12);
    head.dispose();
  });

  it('multi-class: top-1 accuracy, confusion matrix and one-vs-rest AUROC', async () => {
    const head = fixedHead(3);
    const r = await evaluateClassification({
      encoder: new PixelEncoder(1),
      head,
      task: 'multi-class',
      batches: [
        batch(
          [
            [5, 0, 0],
            [0, 5, 0],
            [0, 0, 5],
            [5, 0, 1],
          ],
          [0, 1, 2, 2],
        ),
      ],
    });
    expect(r.accuracy).toBe(0.75);
    expect(r.confusion).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [1, 0, 1],
    ]);
    expect(r.perLabelAuroc).toHaveLength(3);
    for (let i = 0; i < 4; i++) expect(r.scores[i * 3] + r.scores[i * 3 + 1] + r.scores[i * 3 + 2]).toBeCloseTo(1, 5);
    head.dispose();
  });

  it('rejects a batch whose labels do not match its images', async () => {
    const head = fixedHead(2);
    await expect(
      evaluateClassification({ encoder: new PixelEncoder(1), head, task: 'multi-label', batches: [batch([[1, 2, 3]], [1, 0, 1, 0])] }),
    ).rejects.toThrow(/1 images but labels for 2/);
    head.dispose();
  });
});
