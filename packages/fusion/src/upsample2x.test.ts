import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients, initBackend, Rng, tf } from '@ecamp/core';
import { deconvWeightFromTorch, Upsample2x } from './upsample2x.js';

beforeAll(async () => {
  await initBackend();
});

describe('Upsample2x', () => {
  it('equals a 2×2 stride-2 transposed convolution with the converted PyTorch weight', () => {
    const rng = new Rng(3);
    const [cin, cout] = [3, 2];
    // PyTorch layout [Cin, Cout, 2, 2].
    const torchW = { dtype: 'float32' as const, shape: [cin, cout, 2, 2], data: Float32Array.from(rng.normalArray(cin * cout * 4)) };
    const up = new Upsample2x(cin, cout);
    up.loadStateDict({ 'proj.weight': deconvWeightFromTorch(torchW), bias: { dtype: 'float32', shape: [cout], data: Float32Array.from([0.5, -1]) } });
    const x = tf.tensor4d(rng.normalArray(2 * 3 * 4 * cin), [2, 3, 4, cin]);
    const ours = up.forward(x);
    expect(ours.shape).toEqual([2, 6, 8, cout]);
    // Direct definition: out[b, 2h+di, 2w+dj, c] = Σ_i x[b, h, w, i]·W[i, c, di, dj] + bias[c].
    const xa = x.arraySync();
    const oa = ours.arraySync();
    let maxErr = 0;
    for (let b = 0; b < 2; b++)
      for (let h = 0; h < 3; h++)
        for (let w = 0; w < 4; w++)
          for (let di = 0; di < 2; di++)
            for (let dj = 0; dj < 2; dj++)
              for (let c = 0; c < cout; c++) {
                let s = c === 0 ? 0.5 : -1;
                for (let i = 0; i < cin; i++) s += xa[b][h][w][i] * torchW.data[((i * cout + c) * 2 + di) * 2 + dj];
                maxErr = Math.max(maxErr, Math.abs(s - oa[b][2 * h + di][2 * w + dj][c]));
              }
    expect(maxErr).toBeLessThan(1e-5);
    tf.dispose([x, ours]);
    up.dispose();
  });

  it('passes a finite-difference gradient check', () => {
    const up = new Upsample2x(2, 3, { rng: new Rng(1) });
    const x = tf.randomNormal([1, 2, 3, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
    expect(checkGradients((xi) => up.forward(xi as tf.Tensor4D), [x]).maxRelError).toBeLessThan(1e-2);
    x.dispose();
    up.dispose();
  });

  it('rejects the wrong channel count and a non-2×2 kernel', () => {
    const up = new Upsample2x(2, 3);
    const x = tf.zeros([1, 2, 2, 4]) as tf.Tensor4D;
    expect(() => up.forward(x)).toThrow(/\[B, H, W, 2\]/);
    expect(() => deconvWeightFromTorch({ dtype: 'float32', shape: [1, 1, 3, 3], data: new Float32Array(9) })).toThrow(/expected \[Cin, Cout, 2, 2\]/);
    x.dispose();
    up.dispose();
  });
});
