import { describe, expect, it, beforeAll } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { patchGrid, patchify, unpatchify } from './patchify.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('patchify', () => {
  it('orders patches row-major and features (p, q, c)', () => {
    // 1 image 4x4x2, patch 2: value encodes (y, x, c)
    const vals: number[] = [];
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) for (let c = 0; c < 2; c++) vals.push(100 * y + 10 * x + c);
    const img = tf.tensor4d(vals, [1, 4, 4, 2]);
    const p = patchify(img, 2);
    expect(p.shape).toEqual([1, 4, 8]);
    const data = p.arraySync()[0];
    // patch k=1 is grid row 0, col 1: pixels y in 0..1, x in 2..3
    expect(data[1]).toEqual([20, 21, 30, 31, 120, 121, 130, 131]);
    // patch k=2 is grid row 1, col 0
    expect(data[2][0]).toBe(200);
    tf.dispose([img, p]);
  });

  it('round-trips through unpatchify, also for non-square grids', () => {
    const img = tf.randomUniform([2, 32, 48, 3], 0, 1, 'float32', 3);
    const back = unpatchify(patchify(img, 16), 16, 3, 2);
    expect(back.shape).toEqual([2, 32, 48, 3]);
    expect(tf.max(tf.abs(tf.sub(back, img))).dataSync()[0]).toBe(0);
    const sq = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 4);
    expect(tf.max(tf.abs(tf.sub(unpatchify(patchify(sq, 16), 16), sq))).dataSync()[0]).toBe(0);
  });

  it('rejects images that do not tile and wrong feature widths', () => {
    expect(() => patchGrid(30, 32, 16)).toThrow(/30x32 does not tile/);
    expect(patchGrid(224, 224, 16).numPatches).toBe(196);
    const bad = tf.zeros([1, 4, 10]);
    expect(() => unpatchify(bad, 2)).toThrow(/last dim 10/);
  });
});
