import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients, gradStepTensorLeak, initBackend, Rng, tf } from '@ecamp/core';
import { avgPool2x, FeaturePyramid } from './feature-pyramid.js';

beforeAll(async () => {
  await initBackend();
});

const rng = new Rng(17);
const rand = (shape: [number, number, number]) => tf.tensor3d(rng.normalArray(shape[0] * shape[1] * shape[2]), shape);

describe('FeaturePyramid', () => {
  it('builds 56/28/14/7 maps from a 14×14 ViT token map (class token dropped)', () => {
    const fp = new FeaturePyramid({ dim: 16, outDim: 8 });
    const tokens = rand([2, 197, 16]);
    const maps = fp.forward({ tokens });
    expect(maps.map((m) => m.shape)).toEqual([
      [2, 56, 56, 8],
      [2, 28, 28, 8],
      [2, 14, 14, 8],
      [2, 7, 7, 8],
    ]);
    tf.dispose([tokens, ...maps]);
    fp.dispose();
  });

  it('builds the detection scales 28/14/7 from one map per level (intermediate blocks)', () => {
    const fp = new FeaturePyramid({ dim: 8, scales: [2, 1, 0.5] });
    const blocks = [rand([1, 196, 8]), rand([1, 196, 8]), rand([1, 196, 8])];
    const maps = fp.forward({ tokens: blocks });
    expect(maps.map((m) => m.shape)).toEqual([
      [1, 28, 28, 8],
      [1, 14, 14, 8],
      [1, 7, 7, 8],
    ]);
    // Level k reads only block k: changing block 0 leaves levels 1 and 2 alone.
    const changed = [tf.add(blocks[0], 1) as tf.Tensor3D, blocks[1], blocks[2]];
    const maps2 = fp.forward({ tokens: changed });
    const diff = maps.map((m, k) => tf.tidy(() => tf.max(tf.abs(tf.sub(m, maps2[k]))).dataSync()[0]));
    expect(diff[0]).toBeGreaterThan(1e-3);
    expect(diff[1]).toBe(0);
    expect(diff[2]).toBe(0);
    tf.dispose([...blocks, changed[0], ...maps, ...maps2]);
    fp.dispose();
  });

  it('keeps spatial layout: the 1× level at (i, j) depends only on token i·w + j', () => {
    const fp = new FeaturePyramid({ dim: 8, scales: [1], outDim: 4 });
    const tokens = rand([1, 12, 8]);
    const a = fp.forward({ tokens, grid: [3, 4] })[0];
    const bump = tf.tidy(() => tf.add(tokens, tf.mul(tf.oneHot(tf.tensor1d([1 * 4 + 2], 'int32'), 12).reshape([1, 12, 1]), 3)) as tf.Tensor3D);
    const b = fp.forward({ tokens: bump, grid: [3, 4] })[0];
    const d = tf.tidy(() => Array.from(tf.abs(tf.sub(a, b)).max(-1).dataSync()));
    expect(d.map((v) => v > 1e-4)).toEqual(Array.from({ length: 12 }, (_, k) => k === 6));
    tf.dispose([tokens, a, bump, b]);
    fp.dispose();
  });

  it('passes a finite-difference gradient check through every level', () => {
    const fp = new FeaturePyramid({ dim: 8, outDim: 4, rng: new Rng(2) });
    const tokens = rand([1, 4, 8]);
    const r = checkGradients(
      (t) =>
        tf.concat(
          fp.forward({ tokens: t as tf.Tensor3D }).map((m) => tf.reshape(m, [-1])),
          0,
        ),
      [tokens],
      { eps: 1e-2, probes: 12 },
    );
    expect(r.maxRelError).toBeLessThan(3e-2);
    tokens.dispose();
    fp.dispose();
  });

  it('leaks no tensors in a training step', () => {
    const fp = new FeaturePyramid({ dim: 8, outDim: 4 });
    const tokens = rand([1, 16, 8]);
    expect(
      gradStepTensorLeak(() => tf.add(...(fp.forward({ tokens }).map((m) => tf.mean(m)) as [tf.Tensor, tf.Tensor])) as tf.Scalar, fp.parameters(), 1),
    ).toBe(0);
    tokens.dispose();
    fp.dispose();
  });

  it('rejects bad configurations and inputs, naming them', () => {
    expect(() => new FeaturePyramid({ dim: 6 })).toThrow(/multiple of 4/);
    expect(() => new FeaturePyramid({ dim: 8, scales: [3 as never] })).toThrow(/scale 3/);
    const fp = new FeaturePyramid({ dim: 8, scales: [1] });
    const t = rand([1, 10, 8]);
    expect(() => fp.forward({ tokens: t, grid: [3, 4] })).toThrow(/has 10 tokens, grid 3×4 needs 12/);
    expect(() => fp.forward({ tokens: [t, t] })).toThrow(/2 token maps for 1 levels/);
    t.dispose();
    fp.dispose();
  });
});

describe('avgPool2x', () => {
  it('averages 2×2 blocks per channel', () => {
    const x = tf.tensor4d([1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60, 7, 70, 8, 80], [1, 2, 4, 2]);
    const y = avgPool2x(x);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(y.dataSync())).toEqual([3.5, 35, 5.5, 55]);
    expect(() => avgPool2x(tf.zeros([1, 3, 2, 1]) as tf.Tensor4D)).toThrow(/even grid/);
    tf.dispose([x, y]);
  });
});
