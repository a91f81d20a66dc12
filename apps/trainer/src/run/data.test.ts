import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readClassificationList } from '@ecamp/data';
import { loadConfig } from '../config/load.js';
import { LoaderBatchSource, attachContexts, prepareRunData, syntheticSetDir } from './data.js';
import { createLogger } from './logger.js';

const lines: string[] = [];
const log = createLogger('data', { isTTY: false, write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WriteStream);

describe('run data', () => {
  it('pre-trains on the training split only, with rule-based contexts and CSV windows mapped through each crop', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'ecamp-data-'));
    const config = loadConfig('tiny', [`outDir=${JSON.stringify(outDir)}`, 'data.syntheticCount=10', 'data.batchSize=2', 'objectives.superres.window=csv']);
    const data = await prepareRunData(config, log);
    const train = new Set(readClassificationList(data.trainList).map((r) => r.imagePath));
    const test = readClassificationList(data.testList).map((r) => r.imagePath);
    expect(data.records.length).toBe(train.size);
    for (const r of data.records) expect(train.has(r.imagePath)).toBe(true);
    for (const p of test) expect(data.records.some((r) => r.imagePath === p)).toBe(false);
    expect(data.records.every((r) => r.window !== undefined)).toBe(true);
    expect(data.records.filter((r) => r.context).length).toBeGreaterThan(0);

    const source = new LoaderBatchSource(data.records, config, data.badSamples);
    const batch = await source.next();
    await source.close();
    expect(batch.size).toBe(2);
    expect(batch.view448.length).toBe(2 * 448 * 448 * 3);
    expect(batch.windows).toHaveLength(2);
    for (const w of batch.windows!) {
      expect([0, 1, 2]).toContain(w.i);
      expect([0, 1, 2]).toContain(w.j);
    }
    expect(source.state()).toMatchObject({ seed: config.seed });
  });

  it('drops contexts for data.context=none and keeps the CSV column for csv', () => {
    const records = [{ id: 'a', imagePath: '/x.png', report: 'Small left pleural effusion.', context: 'from csv', origin: { file: 'f' } }];
    attachContexts(records, loadConfig('tiny', ['data.context=csv']), log);
    expect(records[0].context).toBe('from csv');
    attachContexts(records, loadConfig('tiny', ['data.context=rules']), log);
    expect(records[0].context).toMatch(/effusion/);
    attachContexts(records, loadConfig('tiny', ['data.context=none']), log);
    expect(records[0].context).toBeUndefined();
  });

  it('names the synthetic set by its own seed, size, image side and split; the run seed does not change it', () => {
    const base = loadConfig('tiny', ['outDir=/o', 'data.syntheticCount=240']);
    expect(syntheticSetDir(base)).toBe('/o/data/synthetic-seed0-n240');
    expect(syntheticSetDir(loadConfig('tiny', ['outDir=/o', 'data.syntheticCount=240', 'seed=5']))).toBe('/o/data/synthetic-seed0-n240');
    expect(
      syntheticSetDir(
        loadConfig('tiny', [
          'outDir=/o',
          'data.syntheticCount=4000',
          'data.syntheticSeed=2',
          'data.syntheticSize=448',
          'data.syntheticSplit.train=0.7',
          'data.syntheticSplit.val=0.05',
        ]),
      ),
    ).toBe('/o/data/synthetic-seed2-n4000-px448-split70-5');
  });
});
