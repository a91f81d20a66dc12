import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, saveCheckpoint, tf } from '@ecamp/core';
import { BadSampleLog, readAuthorsCsv, synthesizeDataset } from '@ecamp/data';
import { loadTokenizer, trainWordPiece } from '@ecamp/mlm';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../run/logger.js';
import { EcampPretrainModel } from '../pretrain/model.js';
import { runOfflineWindows } from './offline-windows.js';

const quiet = createLogger('test', { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);

describe('offline window pass', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('writes one valid window per image of a checkpoint, in the authors’ CSV form', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-windows-'));
    const manifest = await synthesizeDataset({ seed: 3, n: 4, outDir: join(dir, 'data'), size: 448 });
    const records = readAuthorsCsv({ csvPath: join(dir, 'data', manifest.paths.reports) });
    const config = loadConfig('tiny', ['data.batchSize=2', 'model.text.maxLength=48', 'model.decoder.depth=1']);
    const tokenizer = loadTokenizer(
      trainWordPiece(
        records.map((r) => r.report),
        { vocabSize: 300, minFrequency: 1 },
      ),
      { maxLength: 48 },
    );
    const model = new EcampPretrainModel(config, tokenizer.vocabSize);
    const checkpoint = join(dir, 'pretrain.safetensors');
    saveCheckpoint(checkpoint, model);
    model.dispose();
    const before = tf.memory().numTensors;
    const outPath = join(dir, 'windows.csv');
    const result = await runOfflineWindows({ config, checkpoint, records, tokenizer, badSamples: new BadSampleLog('fail'), outPath, log: quiet });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.entries).toHaveLength(records.length);
    expect(result.counts.selected + result.counts.fallbackNoEntity).toBe(records.length);
    const lines = readFileSync(outPath, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/label_i/);
    expect(lines).toHaveLength(records.length + 1);
    for (const w of result.windows) {
      expect([0, 1, 2]).toContain(w.i);
      expect([0, 1, 2]).toContain(w.j);
    }
    // The CSV holds the image paths it was computed for.
    for (const r of records) expect(readFileSync(outPath, 'utf8')).toContain(r.imagePath);
  });

  it('refuses a configuration without cross-attention', async () => {
    const config = loadConfig('tiny', ['model.fusion=pooled', 'objectives.superres.window=center']);
    const tokenizer = loadTokenizer(trainWordPiece(['no effusion'], { vocabSize: 50, minFrequency: 1 }), { maxLength: 8 });
    await expect(
      runOfflineWindows({
        config,
        checkpoint: '/nonexistent',
        records: [],
        tokenizer,
        badSamples: new BadSampleLog('fail'),
        outPath: '/tmp/x.csv',
        log: quiet,
      }),
    ).rejects.toThrow(/cross-attending fusion layer/);
  });
});
