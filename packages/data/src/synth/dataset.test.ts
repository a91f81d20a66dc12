import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSiimRle } from '../readers/rle.js';
import { assignSplits, fractionSubset, synthesizeDataset, type SynthManifest } from './dataset.js';
import { LABEL_NAMES } from './prior.js';

describe('synthesizeDataset', () => {
  let dir = '';
  let manifest: SynthManifest;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ecamp-synth-'));
    // Seed 11 indices 0..5 include effusion, pneumothorax and consolidation cases.
    manifest = await synthesizeDataset({ seed: 11, n: 6, size: 448, outDir: join(dir, 'a'), trainFraction: 0.5, valFraction: 0.17 });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('writes images, reports, windows and split lists in the documented formats', async () => {
    const out = join(dir, 'a');
    expect((await readdir(join(out, 'images'))).length).toBe(6);
    const reports = parse(await readFile(join(out, 'reports.csv')), { columns: true }) as Record<string, string>[];
    expect(reports).toHaveLength(6);
    expect(Object.keys(reports[0])).toEqual(['img_path', 'report', 'llm_output', 'findings', 'impression', ...LABEL_NAMES]);
    expect(reports[0].report).toMatch(/^FINDINGS: .* IMPRESSION: /);
    const windows = parse(await readFile(join(out, 'windows.csv')), { columns: true }) as Record<string, string>[];
    expect(windows).toHaveLength(6);
    const train = (await readFile(join(out, 'train.txt'), 'utf8')).trim().split('\n');
    expect(train).toHaveLength(manifest.splits.train);
    expect(manifest.splits.train + manifest.splits.val + manifest.splits.test).toBe(6);
    for (const line of train) expect(line).toMatch(new RegExp(`^images/synth-11-\\d{6}\\.png( [01]){${LABEL_NAMES.length}}$`));
    const meta = await sharp(join(out, reports[0].img_path)).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([448, 448, 1]);
    expect(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'))).toEqual(manifest);
    // Label columns agree with the manifest counts.
    for (const l of LABEL_NAMES) expect(reports.filter((r) => r[l] === '1').length).toBe(manifest.labelCounts[l]);
  });

  it('writes SIIM RLE that decodes to the same mask as the mask PNG, and RSNA-style boxes', async () => {
    const out = join(dir, 'a');
    let positives = 0;
    for (const sp of ['train', 'val', 'test'] as const) {
      const rows = parse(await readFile(join(out, `siim_${sp}.csv`)), { columns: true }) as { ImageId: string; EncodedPixels: string }[];
      for (const row of rows) {
        const png = await sharp(join(out, 'masks', 'pneumothorax', `${row.ImageId}.png`))
          .toColourspace('b-w')
          .raw()
          .toBuffer();
        const fromRle = decodeSiimRle(row.EncodedPixels, 448, 448);
        expect(fromRle.every((v, i) => v === (png[i] > 127 ? 1 : 0))).toBe(true);
        if (row.EncodedPixels !== '-1') positives++;
      }
      const boxes = parse(await readFile(join(out, `boxes_${sp}.csv`)), { columns: true }) as { image_path: string; bbox: string }[];
      for (const b of boxes) {
        const parsed = JSON.parse(b.bbox) as number[][];
        for (const box of parsed) expect(box).toHaveLength(4);
      }
    }
    expect(positives).toBe(manifest.labelCounts.pneumothorax);
  });

  it('is byte-identical for the same seed', async () => {
    await synthesizeDataset({ seed: 11, n: 6, size: 448, outDir: join(dir, 'b'), trainFraction: 0.5, valFraction: 0.17, maskLabels: [] });
    for (const f of ['reports.csv', 'windows.csv', 'train.txt', 'siim_test.csv']) {
      expect(await readFile(join(dir, 'b', f), 'utf8')).toBe(await readFile(join(dir, 'a', f), 'utf8'));
    }
    const img = (await readdir(join(dir, 'a', 'images')))[2];
    expect((await readFile(join(dir, 'b', 'images', img))).equals(await readFile(join(dir, 'a', 'images', img)))).toBe(true);
  });

  it('reuses a complete set made with the same options and regenerates otherwise', async () => {
    const out = join(dir, 'a');
    const before = (await stat(join(out, 'reports.csv'))).mtimeMs;
    const again = await synthesizeDataset({ seed: 11, n: 6, size: 448, outDir: out, trainFraction: 0.5, valFraction: 0.17, reuseExisting: true });
    expect(again).toEqual(manifest);
    expect((await stat(join(out, 'reports.csv'))).mtimeMs).toBe(before);
    const other = await synthesizeDataset({ seed: 11, n: 2, size: 448, outDir: join(dir, 'c'), maskLabels: [], reuseExisting: true });
    expect(other.n).toBe(2);
  });

  it('splits and fractions are seeded and sized as asked', () => {
    const s = assignSplits(5, 100, 0.7, 0.1);
    expect(s.filter((x) => x === 'train')).toHaveLength(70);
    expect(s.filter((x) => x === 'val')).toHaveLength(10);
    expect(assignSplits(5, 100, 0.7, 0.1)).toEqual(s);
    const items = Array.from({ length: 200 }, (_, i) => i);
    const tenth = fractionSubset(items, 0.1, 3);
    expect(tenth).toHaveLength(20);
    expect([...tenth].sort((a, b) => a - b)).toEqual(tenth);
    expect(fractionSubset(items, 0.01, 3)).toHaveLength(2);
    expect(() => assignSplits(1, 10, 0.8, 0.3)).toThrow(/sum to/);
  });
});
