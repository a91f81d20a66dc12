import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blankPng } from '../../test/helpers/png.js';
import { BadSampleLog } from '../readers/bad-samples.js';
import { readAuthorsCsv } from '../readers/authors-csv.js';
import type { PretrainRecord } from '../readers/types.js';
import { LABEL_NAMES } from '../synth/prior.js';
import { synthesizeDataset } from '../synth/dataset.js';
import { Loader, type Batch } from './loader.js';

async function take(loader: Loader, k: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of loader) {
    out.push(b);
    if (out.length === k) break;
  }
  return out;
}

describe('Loader', () => {
  let dir = '';
  let records: PretrainRecord[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ecamp-loader-'));
    await synthesizeDataset({ seed: 4, n: 6, size: 448, outDir: dir, maskLabels: [] });
    records = readAuthorsCsv({ csvPath: join(dir, 'reports.csv'), windowsCsvPath: join(dir, 'windows.csv'), labelColumns: [...LABEL_NAMES] });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('yields seeded, shuffled NHWC batches covering every record once per epoch', async () => {
    const batches = await take(new Loader({ records, batchSize: 2, seed: 1, size: 64, epochs: 2 }), 10);
    expect(batches).toHaveLength(6);
    const b = batches[0];
    expect([b.size, b.height, b.width]).toEqual([2, 64, 64]);
    expect(b.images).toHaveLength(2 * 64 * 64 * 3);
    expect(b.reports[0]).toMatch(/FINDINGS|IMPRESSION|\./);
    expect(b.windows).toHaveLength(2);
    expect(b.labels![0]).toHaveLength(LABEL_NAMES.length);
    expect(b.geometry[0].outSize).toEqual({ width: 64, height: 64 });
    const epoch0 = batches.slice(0, 3).flatMap((x) => x.ids);
    const epoch1 = batches.slice(3).flatMap((x) => x.ids);
    expect(new Set(epoch0).size).toBe(6);
    expect(new Set(epoch1).size).toBe(6);
    expect(epoch1).not.toEqual(epoch0);
    expect(batches[2].position).toMatchObject({ epoch: 1, index: 0 });
  });

  it('resumes exactly from a JSON-saved position', async () => {
    const a = await take(new Loader({ records, batchSize: 2, seed: 9, size: 64 }), 3);
    const saved = JSON.parse(JSON.stringify(a[0].position));
    const b = await take(new Loader({ records, batchSize: 2, seed: 9, size: 64, position: saved }), 2);
    expect(b[0].ids).toEqual(a[1].ids);
    expect(b[1].ids).toEqual(a[2].ids);
    expect(b[0].images).toEqual(a[1].images);
    expect(b[0].geometry).toEqual(a[1].geometry);
    expect(() => new Loader({ records, batchSize: 2, seed: 10, position: saved })).toThrow(/saved with seed 9/);
    expect(() => new Loader({ records, batchSize: 2, seed: 9, position: { ...saved, index: 99 } })).toThrow(/loader position/);
  });

  it('skips a missing image, counts it, and refills the batch; fails naming the file under fail', async () => {
    const broken: PretrainRecord = { ...records[0], id: 'ghost', imagePath: join(dir, 'images', 'ghost.png'), origin: { file: 'reports.csv', line: 99 } };
    const log = new BadSampleLog('skip', () => {});
    const batches = await take(new Loader({ records: [broken, ...records.slice(1)], batchSize: 5, seed: 2, size: 32, epochs: 1, badSamples: log }), 5);
    expect(batches).toHaveLength(1);
    expect(batches[0].ids).not.toContain('ghost');
    expect(batches[0].size).toBe(5);
    expect(log.summary()).toEqual({ 'missing-image': 1 });
    await expect(take(new Loader({ records: [broken], batchSize: 1, seed: 2, size: 32, onBadSample: 'fail' }), 1)).rejects.toThrow(
      /reports\.csv:99 \(field "image"\): missing-image: .*ghost\.png/,
    );
  });

  it('skips every kind of bad image once, counted by reason, and still yields every good record in order', async () => {
    const bad = (id: string, path: string, line: number): PretrainRecord => ({ ...records[0], id, imagePath: path, origin: { file: 'list.csv', line } });
    writeFileSync(join(dir, 'junk.png'), 'not a png');
    writeFileSync(join(dir, 'huge.png'), blankPng(20000, 20000));
    writeFileSync(
      join(dir, 'dot.png'),
      await sharp(Buffer.from([9]), { raw: { width: 1, height: 1, channels: 1 } })
        .png()
        .toBuffer(),
    );
    const good = records.slice(0, 4);
    const mixed = [
      bad('junk', join(dir, 'junk.png'), 2),
      good[0],
      bad('huge', join(dir, 'huge.png'), 4),
      good[1],
      good[2],
      bad('dot', join(dir, 'dot.png'), 7),
      bad('gone', join(dir, 'gone.png'), 8),
      good[3],
    ];
    const lines: string[] = [];
    const log = new BadSampleLog('skip', (l) => lines.push(l));
    const batches = await take(
      new Loader({ records: mixed, batchSize: 3, seed: 0, size: 32, epochs: 2, shuffle: false, dropLast: false, badSamples: log }),
      10,
    );
    expect(batches.map((b) => b.ids)).toEqual([good.slice(0, 3).map((r) => r.id), [good[3].id], good.slice(0, 3).map((r) => r.id), [good[3].id]]);
    // Counted once each, not once per epoch.
    expect(log.summary()).toEqual({ 'corrupt-image': 1, 'image-size': 2, 'missing-image': 1 });
    expect(lines).toEqual([
      expect.stringMatching(/^\[skip\] list\.csv:2 \(field "image"\): corrupt-image: .*junk\.png: cannot decode image/),
      expect.stringMatching(
        /^\[skip\] list\.csv:4 \(field "image"\): image-size: .*huge\.png: image is 20000×20000 \(400,000,000 pixels\), over the limit .*refused before decoding$/,
      ),
      expect.stringMatching(/^\[skip\] list\.csv:7 \(field "image"\): image-size: .*dot\.png: image is 1×1, under the minimum of 16 px a side/),
      expect.stringMatching(/^\[skip\] list\.csv:8 \(field "image"\): missing-image: .*gone\.png: cannot read image file \(ENOENT\)$/),
    ]);
  });

  it('fails on the first bad image under fail, and a second bad image in flight does not end the process', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const ghost = (k: number): PretrainRecord => ({
        ...records[0],
        id: `g${k}`,
        imagePath: join(dir, `ghost${k}.png`),
        origin: { file: 'r.csv', line: 10 + k },
      });
      await expect(
        take(new Loader({ records: [ghost(1), ghost(2), ghost(3), ...records], batchSize: 2, seed: 0, size: 32, shuffle: false, onBadSample: 'fail' }), 1),
      ).rejects.toThrow(/^r\.csv:11 \(field "image"\): missing-image: .*ghost1\.png/);
      await new Promise((r) => setTimeout(r, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('ends with an error, not an endless loop, when a whole epoch cannot give a batch', async () => {
    const ghost: PretrainRecord = { ...records[0], id: 'ghost', imagePath: join(dir, 'ghost.png'), origin: { file: 'r.csv', line: 3 } };
    const log = new BadSampleLog('skip', () => {});
    // No `epochs`: the trainer's loader cycles forever, so this used to hang.
    await expect(
      take(new Loader({ records: [ghost, { ...ghost, imagePath: join(dir, 'ghost2.png') }], batchSize: 1, seed: 0, size: 32, badSamples: log }), 1),
    ).rejects.toThrow('Loader: epoch 0 gave no batch: 0 of 2 records decoded, batch size 1; skipped 2 (missing-image 2)');
    await expect(take(new Loader({ records: records.slice(0, 3), batchSize: 4, seed: 0, size: 32 }), 1)).rejects.toThrow(
      'Loader: epoch 0 gave no batch: 3 of 3 records decoded, batch size 4 (a last partial batch is dropped); skipped 0',
    );
    // Resumed near the end of an epoch, a short remainder is not an error: the next epoch gives batches.
    const resumed = await take(
      new Loader({ records, batchSize: 4, seed: 0, size: 32, position: { ...new Loader({ records, batchSize: 4, seed: 0 }).position, index: 5 } }),
      1,
    );
    expect(resumed[0].position.epoch).toBe(1);
  });

  it('keeps a last partial batch when dropLast is false and runs the downstream transform', async () => {
    const batches = await take(new Loader({ records, batchSize: 4, seed: 3, size: 32, epochs: 1, dropLast: false, shuffle: false, mode: 'downstream' }), 5);
    expect(batches.map((b) => b.size)).toEqual([4, 2]);
    expect(batches[0].ids).toEqual(records.slice(0, 4).map((r) => r.id));
    expect(batches[0].geometry[0].flip).toBe(false);
  });
});

describe('Loader over a classification list', () => {
  it('batches downstream images with their labels and empty reports', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ecamp-loader-cls-'));
    try {
      await synthesizeDataset({ seed: 6, n: 3, size: 448, outDir: dir, maskLabels: [], trainFraction: 1, valFraction: 0 });
      const { readClassificationList } = await import('../readers/downstream.js');
      const { classificationLoaderRecords } = await import('./loader.js');
      const recs = classificationLoaderRecords(readClassificationList(join(dir, 'train.txt')));
      expect(recs[0].id).toMatch(/^synth-6-\d{6}$/);
      const batches = await take(new Loader({ records: recs, batchSize: 3, seed: 0, mode: 'downstream', epochs: 1, shuffle: false }), 2);
      expect(batches).toHaveLength(1);
      expect(batches[0].height).toBe(224);
      expect(batches[0].reports).toEqual(['', '', '']);
      expect(batches[0].labels).toEqual(recs.map((r) => r.labels));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
