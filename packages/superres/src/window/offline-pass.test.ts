import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { offlineWindowPass, type OfflineWindowBatch } from './offline-pass.js';
import { readWindowCsv } from './window-csv.js';

beforeAll(async () => {
  await initBackend();
});
const dir = mkdtemp(join(tmpdir(), 'ecamp-offline-'));
afterAll(async () => rm(await dir, { recursive: true, force: true }));

/** A batch whose examples each look at one cell; example k has an entity unless noEntity[k]. */
function batch(keys: string[], cells: number[], noEntity: boolean[]): OfflineWindowBatch {
  const L = 3;
  const d = new Float32Array(keys.length * L * 196);
  keys.forEach((_, b) => {
    for (let l = 0; l < L; l++) d[(b * L + l) * 196 + cells[b]] = 1;
  });
  return {
    keys,
    attention: tf.tensor4d(d, [keys.length, 1, L, 196]),
    entityMask: tf.tensor2d(noEntity.map((n) => (n ? [0, 0, 0] : [0, 1, 0]))),
  };
}

describe('offlineWindowPass', () => {
  it('writes the authors’ CSV with keys, consumes its tensors, and counts fall-backs', async () => {
    const before = tf.memory().numTensors;
    async function* batches() {
      yield batch(['a.jpg', 'b.jpg'], [0, 13], [false, false]); // (0,0) and row 0 col 13 → (0,2)
      yield batch(['c.jpg'], [195], [true]); // no entity → centred
    }
    const out = join(await dir, 'windows.csv');
    const progress: number[] = [];
    const r = await offlineWindowPass(batches(), { outPath: out, onProgress: (n) => progress.push(n) });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.counts).toEqual({ selected: 2, fallbackNoEntity: 1 });
    expect(progress).toEqual([2, 3]);
    const rows = await readWindowCsv(out);
    expect(rows.map((x) => [x.fields.img_path, x.i, x.j])).toEqual([
      ['a.jpg', 0, 0],
      ['b.jpg', 0, 2],
      ['c.jpg', 1, 1],
    ]);
  });

  it('names a batch whose keys do not match its examples, still freeing its tensors', async () => {
    const b = batch(['a', 'b'], [0, 0], [false, false]);
    b.keys = ['a'];
    const before = tf.memory().numTensors;
    await expect(offlineWindowPass([b])).rejects.toThrow(/batch 0 has 1 keys for 2 examples/);
    expect(tf.memory().numTensors).toBe(before - 2);
  });
});
