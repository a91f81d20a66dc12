import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { BadSampleLog } from '@ecamp/data';
import type { FeatureEncoder } from '@ecamp/downstream';
import { tempDir, writePng } from '../../test/finetune-fixtures.js';
import { encodeSet, imagesTensor, labelValues, masksTensor, pooledRows, rowBatches, SampleSet } from './batches.js';
import type { Sample } from './data.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const dir = tempDir('finetune-batches-');
const good = (i: number): Sample => ({
  imagePath: writePng(join(dir, `${i}.png`), 16, 16, () => [i * 20, i * 20, i * 20]),
  origin: { file: 'list.txt', line: i + 1, field: 'path' },
  labels: [i % 3],
  mask: { kind: 'boxes', boxes: [[0, 0, 8, 16]] },
});
const settings = { size: 4, colour: 'grey', transform: 'resize' } as const;

/** A parameter-free encoder: tokens are [cls = 0, then the 2×2 grid of mean pixel values]. */
const meanEncoder: FeatureEncoder = {
  embedDim: 1,
  gridSize: 2,
  forwardFeatures: (images) => {
    const [b] = images.shape;
    const pooled = tf.avgPool(images.mean(3, true) as tf.Tensor4D, 2, 2, 'valid').reshape([b, 4, 1]);
    return { tokens: tf.concat([tf.zeros([b, 1, 1]), pooled], 1) };
  },
  namedParameters: () => [],
};

describe('SampleSet', () => {
  it('decodes batches one ahead, in the given order, and reports a bad sample once', async () => {
    const samples = [good(0), { ...good(1), imagePath: join(dir, 'missing.png') }, good(2), good(3)];
    const lines: string[] = [];
    const log = new BadSampleLog('skip', (l) => lines.push(l));
    const set = new SampleSet('test data', samples, log);
    const seen: number[][] = [];
    for await (const b of set.batches(2, settings, 0, 0, [3, 1, 2, 0])) seen.push(b.indices);
    expect(seen).toEqual([[3], [2, 0]]);
    for await (const b of set.batches(2, settings, 0, 1)) seen.push(b.indices);
    expect(seen.slice(2)).toEqual([[0], [2, 3]]);
    expect(log.summary()).toEqual({ 'missing-image': 1 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/list\.txt:2 \(field "path"\): missing-image: .*missing\.png/);
    await expect(new SampleSet('t', samples, new BadSampleLog('fail')).decode([1], settings, 0, 0)).rejects.toThrow(/list\.txt:2 \(field "path"\)/);
  });
});

describe('encodeSet and the batch tensors', () => {
  it('encodes every usable image once, keeping masks, and makes the loops’ tensors', async () => {
    const set = new SampleSet('training data', [good(0), good(1), good(2)], new BadSampleLog('fail'));
    const progress: number[] = [];
    const e = await encodeSet(set, meanEncoder, settings, 2, 0, (done) => progress.push(done));
    expect(progress).toEqual([2, 3]);
    expect(e.cache).toMatchObject({ count: 3, tokens: 5, dim: 1 });
    expect(e.indices).toEqual([0, 1, 2]);
    expect(e.masks!.map((m) => Array.from(m))).toEqual([0, 1, 2].map(() => [1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]));
    // image i is uniformly grey level 20·i: every patch token is its normalised value, and so is the pooled row
    const pooled = pooledRows(e.cache, meanEncoder);
    expect(Array.from(pooled).map((v) => Math.round(v * 1e3) / 1e3)).toEqual([0, 20, 40].map((g) => Math.round(((g / 255 - 0.4722) / 0.3028) * 1e3) / 1e3));
    const batch = await set.decode([0, 2], settings, 0, 0);
    const images = imagesTensor(batch, 4);
    const masks = masksTensor(
      batch.samples.map((s) => s.mask!),
      4,
    );
    expect(images.shape).toEqual([2, 4, 4, 3]);
    expect(masks.shape).toEqual([2, 4, 4, 1]);
    expect(masks.sum().dataSync()[0]).toBe(16);
    tf.dispose([images, masks]);
    expect(Array.from(labelValues([good(1), good(2)], { mode: 'single-label', numClasses: 3, reason: '' }))).toEqual([1, 2]);
    expect(Array.from(labelValues([{ ...good(1), labels: [0, 1] }], { mode: 'multi-label', numClasses: 2, reason: '' }))).toEqual([0, 1]);
    expect(rowBatches(5, 2)).toEqual([[0, 1], [2, 3], [4]]);
    expect(rowBatches(3, 2, [2, 0, 1])).toEqual([[2, 0], [1]]);
  });

  it('refuses a split of which no image decodes', async () => {
    const set = new SampleSet('validation data', [{ ...good(0), imagePath: join(dir, 'x.png') }], new BadSampleLog('skip', () => undefined));
    await expect(encodeSet(set, meanEncoder, settings, 2, 0)).rejects.toThrow(/validation data: no image could be decoded \(1 listed\)/);
  });
});
