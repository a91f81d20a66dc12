import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { ClassificationHead } from './head.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

/** A 2 → 1 head without prefix tokens whose classifier is 2·f₀ − f₁ + 0.5. */
function handHead(featureNorm: boolean): ClassificationHead {
  const head = new ClassificationHead(2, 1, { numPrefixTokens: 0, featureNorm });
  head.head.weight.assign(tf.tensor2d([[2], [-1]]));
  head.head.bias!.assign(tf.tensor1d([0.5]));
  return head;
}

/** The head's output for one image of the two tokens [0, 2] and [2, 4] (their mean: [1, 3]). */
function handOutput(head: ClassificationHead): number {
  const tokens: number[][][] = [
    [
      [0, 2],
      [2, 4],
    ],
  ];
  return tf.tidy(() => head.forward(tf.tensor3d(tokens)).dataSync()[0]);
}

describe('ClassificationHead', () => {
  it('has timm global-pool parameter names and shapes', () => {
    const head = new ClassificationHead(8, 3, { rng: new Rng(1) });
    expect(head.namedParameters().map((p) => [p.name, p.variable.shape])).toEqual([
      ['fc_norm.weight', [8]],
      ['fc_norm.bias', [8]],
      ['head.weight', [8, 3]],
      ['head.bias', [3]],
    ]);
    head.dispose();
  });

  it('pools patch tokens only (the cls token does not change the output)', () => {
    const head = new ClassificationHead(4, 2, { rng: new Rng(2) });
    tf.tidy(() => {
      const patches = tf.randomNormal([2, 9, 4], 0, 1, 'float32', 3);
      const a = head.forward(tf.concat([tf.zeros([2, 1, 4]), patches], 1));
      const b = head.forward(tf.concat([tf.fill([2, 1, 4], 100), patches], 1));
      expect(a.shape).toEqual([2, 2]);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      // pool = mean over the 9 patch tokens
      const pooled = head.pool(tf.concat([tf.zeros([2, 1, 4]), patches], 1));
      const expected = patches.mean(1);
      expect(tf.max(tf.abs(pooled.sub(expected))).dataSync()[0]).toBeLessThan(1e-6);
    });
    head.dispose();
  });

  it('computes LayerNorm then Linear by hand', () => {
    const head = handHead(false);
    // tokens mean = [1, 3] → normalised ≈ [−1, 1] → 2·(−1) − 1·1 + 0.5 = −2.5
    expect(handOutput(head)).toBeCloseTo(-2.5, 4);
    head.dispose();
  });

  it('rejects tokens of the wrong width', () => {
    const head = new ClassificationHead(4, 2);
    tf.tidy(() => {
      expect(() => head.forward(tf.zeros([1, 5, 3]))).toThrow(/not \[B, 1 \+ N, 4\]/);
    });
    head.dispose();
  });

  it('with featureNorm: fixed statistics between fc_norm and the classifier (MAE probe head), only head.* in probeParameters', () => {
    const head = handHead(true);
    expect(head.namedParameters().map((p) => [p.name, p.variable.trainable])).toEqual([
      ['fc_norm.weight', true],
      ['fc_norm.bias', true],
      ['feature_norm.running_mean', false],
      ['feature_norm.running_var', false],
      ['head.weight', true],
      ['head.bias', true],
    ]);
    expect(head.probeParameters().map((p) => p.name)).toEqual(['head.weight', 'head.bias']);
    head.setFeatureStatistics({ mean: Float32Array.from([-0.5, 0.5]), variance: Float32Array.from([0.25, 4]) });
    // fc_norm([1, 3]) ≈ [−1, 1] → ((−1 + 0.5)/0.5, (1 − 0.5)/2) = (−1, 0.25) → 2·(−1) − 0.25 + 0.5 = −1.75
    expect(handOutput(head)).toBeCloseTo(-1.75, 3);
    const before = tf.memory().numTensors;
    head.setFeatureStatistics({ mean: new Float32Array(2), variance: new Float32Array(2).fill(1) });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => head.setFeatureStatistics({ mean: new Float32Array(3), variance: new Float32Array(3) })).toThrow(/3\/3 entries, the head expects 2/);
    expect(() => head.setFeatureStatistics({ mean: new Float32Array(2), variance: Float32Array.from([1, -1]) })).toThrow(/variance\[1\] is -1/);
    head.dispose();
    const plain = new ClassificationHead(2, 1);
    expect(plain.probeParameters()).toHaveLength(4);
    expect(() => plain.setFeatureStatistics({ mean: new Float32Array(2), variance: new Float32Array(2) })).toThrow(/built without featureNorm/);
    plain.dispose();
  });
});
