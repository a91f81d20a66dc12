import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { selectWindowsFromAttention, windowsOnly } from './from-attention.js';
import { WindowSelector } from './selector.js';

beforeAll(async () => {
  await initBackend();
});

/** [B, H, L, M] attention where every row of example b looks only at token hot[b]. */
function focused(B: number, H: number, L: number, M: number, hot: number[]): tf.Tensor4D {
  const d = new Float32Array(B * H * L * M);
  for (let b = 0; b < B; b++) for (let r = 0; r < H * L; r++) d[(b * H * L + r) * M + hot[b]] = 1;
  return tf.tensor4d(d, [B, H, L, M]);
}

describe('selectWindowsFromAttention', () => {
  it('selects per example from tensors, falls back without entities, and counts', () => {
    // Example 0 looks at row 13 col 13 → (2,2); example 1 at row 0 col 0 → (0,0); example 2 has no entity.
    const att = focused(3, 2, 4, 196, [13 * 14 + 13, 0, 5]);
    const entity = tf.tensor2d([
      [0, 1, 0, 0],
      [1, 0, 0, 1],
      [0, 0, 0, 0],
    ]);
    const selector = new WindowSelector();
    const got = selectWindowsFromAttention({ attention: att, entityMask: entity }, selector);
    expect(windowsOnly(got)).toEqual([
      { i: 2, j: 2 },
      { i: 0, j: 0 },
      { i: 1, j: 1 },
    ]);
    expect(got.map((w) => w.source)).toEqual(['attention', 'attention', 'fallback-no-entity']);
    expect(selector.counts()).toEqual({ selected: 2, fallbackNoEntity: 1 });
    tf.dispose([att, entity]);
  });

  it('maps visible tokens to their cells (MAE keep indices)', () => {
    const att = focused(1, 1, 1, 3, [2]);
    const got = selectWindowsFromAttention({ attention: att, entityMask: [[1]], patchCells: [[0, 50, 13]] });
    expect(windowsOnly(got)).toEqual([{ i: 0, j: 2 }]); // cell 13 = row 0, column 13
    att.dispose();
  });

  it('names the mismatching input', () => {
    const att = focused(2, 1, 3, 196, [0, 0]);
    expect(() => selectWindowsFromAttention({ attention: att, entityMask: [[1, 0, 0]] })).toThrow(/entityMask has 1 rows, expected B = 2/);
    const bad = tf.zeros([2, 4]) as tf.Tensor2D;
    expect(() => selectWindowsFromAttention({ attention: att, entityMask: bad })).toThrow(/entityMask must be \[2, 3\]/);
    tf.dispose([att, bad]);
  });
});
