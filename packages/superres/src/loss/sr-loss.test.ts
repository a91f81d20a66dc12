import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { srWindowLoss } from './sr-loss.js';

beforeAll(async () => {
  await initBackend();
});

const geometry = { gridSize: 4, windowCells: 2, cellPx: 2 }; // 8×8 view, windows of 4×4 px
const rng = new Rng(21);
const rand = (shape: number[]) => tf.tensor4d(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape as [number, number, number, number]);

describe('srWindowLoss', () => {
  it('is the mean squared error over the window pixels, averaged over the batch', () => {
    const out = rand([2, 8, 8, 3]);
    const target = rand([2, 8, 8, 3]);
    const windows = [
      { i: 1, j: 0 },
      { i: 2, j: 2 },
    ];
    const o = out.arraySync();
    const t = target.arraySync();
    let total = 0;
    windows.forEach((w, b) => {
      let s = 0;
      for (let y = w.i * 2; y < w.i * 2 + 4; y++)
        for (let x = w.j * 2; x < w.j * 2 + 4; x++) for (let c = 0; c < 3; c++) s += (o[b][y][x][c] - t[b][y][x][c]) ** 2;
      total += s / (4 * 4 * 3);
    });
    const loss = srWindowLoss(out, target, windows, { geometry });
    expect(loss.dataSync()[0]).toBeCloseTo(total / 2, 5);
    tf.dispose([out, target, loss]);
  });

  it('ignores everything outside the window: no loss change and zero gradient there', () => {
    const out = rand([1, 8, 8, 1]);
    const target = rand([1, 8, 8, 1]);
    const windows = [{ i: 0, j: 2 }]; // rows 0..3, columns 4..7
    const inside = tf.tidy(() => {
      const m = new Float32Array(64);
      for (let y = 0; y < 4; y++) for (let x = 4; x < 8; x++) m[y * 8 + x] = 1;
      return tf.tensor4d(m, [1, 8, 8, 1]);
    });
    // Garbage outside the window (large values) must not change the loss.
    const noisy = tf.tidy(() => tf.add(out, tf.mul(tf.sub(1, inside), 1000)) as tf.Tensor4D);
    const a = srWindowLoss(out, target, windows, { geometry });
    const b = srWindowLoss(noisy, target, windows, { geometry });
    expect(b.dataSync()[0]).toBeCloseTo(a.dataSync()[0], 6);
    const [g] = tf.grads((o: tf.Tensor) => srWindowLoss(o as tf.Tensor4D, target, windows, { geometry }))([out]);
    const gd = g.dataSync();
    const md = inside.dataSync();
    let outsideMax = 0;
    let insideNonZero = 0;
    for (let k = 0; k < 64; k++) {
      if (md[k] === 0) outsideMax = Math.max(outsideMax, Math.abs(gd[k]));
      else if (gd[k] !== 0) insideNonZero++;
    }
    expect(outsideMax).toBe(0);
    expect(insideNonZero).toBe(16);
    tf.dispose([out, target, inside, noisy, a, b, g]);
  });

  it('is zero when output equals target inside the window, whatever lies outside', () => {
    const target = rand([1, 8, 8, 2]);
    const out = tf.tidy(() => {
      const keep = tf.tensor4d(
        Array.from({ length: 64 }, (_, k) => (Math.floor(k / 8) >= 2 && Math.floor(k / 8) < 6 && k % 8 >= 2 && k % 8 < 6 ? 1 : 0)),
        [1, 8, 8, 1],
      );
      return tf.add(tf.mul(target, keep), tf.mul(tf.sub(1, keep), 7)) as tf.Tensor4D;
    });
    const loss = srWindowLoss(out, target, [{ i: 1, j: 1 }], { geometry });
    expect(loss.dataSync()[0]).toBe(0);
    tf.dispose([target, out, loss]);
  });

  it('checks shapes and window count', () => {
    const a = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    const b = tf.zeros([1, 6, 6, 1]) as tf.Tensor4D;
    expect(() => srWindowLoss(b, b, [{ i: 0, j: 0 }], { geometry })).toThrow(/output is 6×6, the window grid needs 8×8/);
    expect(() => srWindowLoss(a, tf.zeros([1, 8, 8, 2]) as tf.Tensor4D, [{ i: 0, j: 0 }], { geometry })).toThrow(/does not match/);
    expect(() => srWindowLoss(a, a, [], { geometry })).toThrow(/0 windows for a batch of 1/);
    tf.dispose([a, b]);
  });
});
