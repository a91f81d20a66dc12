import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { classificationLoss, classificationScores, labelRows } from './task.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('classification task', () => {
  it('counts rows per task and rejects ragged multi-label rows', () => {
    expect(labelRows('multi-class', [0, 2, 1], 3)).toBe(3);
    expect(labelRows('multi-label', [0, 1, 1, 0], 2)).toBe(2);
    expect(() => labelRows('multi-label', [0, 1, 1], 2)).toThrow(/3 label values are not rows of 2 classes/);
  });

  it('uses BCE for multi-label and cross-entropy for multi-class', () => {
    tf.tidy(() => {
      const logits = tf.tensor2d([[0, 0]]);
      // BCE at logit 0 is log 2 per element; CE over 2 equal logits is log 2
      expect(classificationLoss('multi-label', logits, [1, 0]).dataSync()[0]).toBeCloseTo(Math.LN2, 6);
      expect(classificationLoss('multi-class', logits, [1]).dataSync()[0]).toBeCloseTo(Math.LN2, 6);
      expect(() => classificationLoss('multi-label', logits, [1])).toThrow(/1 label values for logits \[1, 2\]/);
      expect(() => classificationLoss('regression' as never, logits, [1])).toThrow(/unknown classification task 'regression'/);
    });
  });

  it('scores by sigmoid (multi-label) or softmax (multi-class)', () => {
    tf.tidy(() => {
      const logits = tf.tensor2d([[0, Math.log(3)]]);
      expect(Array.from(classificationScores('multi-label', logits).dataSync())).toEqual([0.5, expect.closeTo(0.75, 6)]);
      expect(Array.from(classificationScores('multi-class', logits).dataSync())).toEqual([expect.closeTo(0.25, 6), expect.closeTo(0.75, 6)]);
    });
  });
});
