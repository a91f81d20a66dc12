import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ecamp/core';
import { downstreamTransform, openImage, readBoxCsv, readClassificationList, readMaskCsv, synthesizeDataset } from '@ecamp/data';
import { batchRows, imagesOf, labelsOf, loadMemorySet, masksOf, subsetMemorySet, type MemoryRecord } from './memory-set.js';

describe('memory sets', () => {
  let records: MemoryRecord[] = [];
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-memset-'));
    const m = await synthesizeDataset({ seed: 3, n: 12, size: 448, outDir: dir, trainFraction: 0.5, valFraction: 0 });
    const list = readClassificationList(join(dir, m.paths.classification.train));
    const masks = new Map(readMaskCsv(join(dir, m.paths.masks.pleural_effusion!.train)).map((r) => [r.imagePath, r.maskPath]));
    const boxes = new Map(readBoxCsv(join(dir, m.paths.boxes.train)).map((r) => [r.imagePath, r.boxes]));
    records = list.map((r) => ({ imagePath: r.imagePath, labels: r.labels, maskPath: masks.get(r.imagePath), boxes: boxes.get(r.imagePath) }));
  });

  it('holds the downstream transform of every image, its labels, mask and boxes at 224', async () => {
    const set = await loadMemorySet(records, { concurrency: 3 });
    expect(set.count).toBe(6);
    expect(set.numLabels).toBe(8);
    const want = await downstreamTransform(await openImage(records[2].imagePath), { size: 224 });
    const plane = 224 * 224;
    for (const i of [0, 1000, plane - 1]) expect(set.pixels[2 * plane + i]).toBe(want.pixels[i * 3]);
    expect(Array.from(set.labels.subarray(16, 24))).toEqual(records[2].labels);
    expect(set.masks!.length).toBe(6 * plane);
    expect(set.masks!.every((v) => v === 0 || v === 1)).toBe(true);
    // 448 → 224: boxes halve.
    records.forEach((r, k) => expect(set.boxes![k]).toEqual(r.boxes!.map((b) => b.map((v) => v / 2))));
    const sub = subsetMemorySet(set, [4, 2]);
    expect(sub.imagePaths).toEqual([records[4].imagePath, records[2].imagePath]);
    expect(sub.pixels[plane + 1000]).toBe(set.pixels[2 * plane + 1000]);
    expect(() => subsetMemorySet(set, [6])).toThrow(/row 6 outside \[0, 6\)/);

    const before = tf.memory().numTensors;
    const images = imagesOf(set, [2, 0]);
    expect(images.shape).toEqual([2, 224, 224, 3]);
    const px = images.dataSync();
    expect([px[0], px[1], px[2]]).toEqual([want.pixels[0], want.pixels[0], want.pixels[0]]);
    const masks = masksOf(set, [1]);
    expect(masks.shape).toEqual([1, 224, 224, 1]);
    tf.dispose([images, masks]);
    expect(tf.memory().numTensors).toBe(before);
    expect(labelsOf(set, [1, 0])).toEqual([...records[1].labels, ...records[0].labels]);
  });

  it('leaves masks and boxes out unless every record has them; names a bad image', async () => {
    const set = await loadMemorySet(records.map((r, k) => ({ ...r, maskPath: k ? r.maskPath : undefined })));
    expect(set.masks).toBeUndefined();
    expect(() => masksOf(set, [0])).toThrow(/without masks/);
    await expect(loadMemorySet([{ imagePath: '/nonexistent/x.png', labels: [0] }])).rejects.toThrow(/\/nonexistent\/x\.png/);
    await expect(loadMemorySet([])).rejects.toThrow(/no records/);
  });

  it('batchRows: in order or in a given order, the last batch short', () => {
    expect(batchRows(5, 2)).toEqual([[0, 1], [2, 3], [4]]);
    expect(batchRows(3, 2, [2, 0, 1])).toEqual([[2, 0], [1]]);
    expect(() => batchRows(3, 2, [0])).toThrow(/1 entries for 3 rows/);
  });
});
