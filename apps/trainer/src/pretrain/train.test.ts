import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, readSafetensors, tf } from '@ecamp/core';
import { loadTokenizer, trainWordPiece } from '@ecamp/mlm';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../run/logger.js';
import { RunDir } from '../run/run-dir.js';
import { FixedBatchSource } from './fixed-source.js';
import { pretrain } from './train.js';
import { EcampPretrainModel } from './model.js';

const REPORTS = [
  'There is a small left pleural effusion. No pneumothorax. Heart size is normal.',
  'Moderate cardiomegaly. There is no evidence of pneumonia. Right basilar opacity.',
  'No acute cardiopulmonary process. There is no pleural effusion or pneumothorax.',
  'Large right pneumothorax with mediastinal shift. Mild pulmonary edema.',
];

const tokenizer = loadTokenizer(trainWordPiece(REPORTS.concat(REPORTS), { vocabSize: 120, minFrequency: 1 }), { maxLength: 32 });
const quiet = createLogger('test', { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);

function smallConfig(extra: string[] = []) {
  return loadConfig('tiny', [
    'data.batchSize=2',
    'optim.steps=2',
    'optim.warmupSteps=1',
    'model.text.maxLength=32',
    'model.text.layers=2',
    'model.decoder.depth=1',
    'log.checkpointEvery=100',
    ...extra,
  ]);
}

// The trainer composes layers whose every kernel and gradient is tested on wasm and cpu in
// their own packages; here the whole model runs on the default backend (wasm) only, since
// the cpu backend takes minutes for the 448-px SR convolutions.
describe('pretrain (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('trains every objective with online windows, logs, checkpoints, and leaks no tensors', async () => {
    const config = smallConfig();
    const runDir = new RunDir(mkdtempSync(join(tmpdir(), 'ecamp-pretrain-')), 'smoke');
    const source = FixedBatchSource.random(REPORTS, 2);
    const counts: number[] = [];
    const { model, summary } = await pretrain({ config, source, tokenizer, runDir, log: quiet, onStep: () => counts.push(tf.memory().numTensors) });
    try {
      expect(counts).toHaveLength(2);
      expect(counts[1]).toBe(counts[0]); // the second step allocates nothing that survives it
      expect(Number.isFinite(summary.lastLoss.total)).toBe(true);
      for (const k of ['mim', 'superres', 'mlm'] as const) expect(summary.lastLoss[k]).toBeGreaterThan(0);
      // 2 steps × 2 examples, every report has an entity → windows from attention
      expect(summary.windows.selected + summary.windows.fallbackNoEntity).toBe(4);
      expect(summary.windows.selected).toBeGreaterThan(0);
      const lines = readFileSync(runDir.path('metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.step)).toEqual([1, 2]);
      const encoder = readSafetensors(summary.encoderCheckpoint);
      expect(Object.keys(encoder.tensors)).toContain('blocks.0.attn.qkv.weight');
      expect(Object.keys(encoder.tensors).some((k) => k.startsWith('decoder_'))).toBe(false);
      expect(existsSync(summary.checkpoint)).toBe(true);
      // The timm-layout MAE export is a valid model.init for a new run: same encoder weights after loading.
      const next = new EcampPretrainModel(config, tokenizer.vocabSize);
      const report = next.loadInit(summary.maeCheckpoint);
      expect(report.missing).toEqual([]);
      const a = next.mae.stateDict()['blocks.0.attn.qkv.weight'];
      const b = model.mae.stateDict()['blocks.0.attn.qkv.weight'];
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])).toBe(0);
      next.dispose();
      // The training picture, and the entity words' attention (MLM with fusion over patches).
      expect(readdirSync(runDir.path('pictures')).sort()).toEqual(['attention-step-000002.png', 'step-000002.png']);
    } finally {
      model.dispose();
    }
  });

  it('runs ablations: MIM alone, and SR with centred windows without MLM', async () => {
    for (const overrides of [
      ['objectives.superres.enabled=false', 'objectives.mlm.enabled=false', 'optim.accumulate=2'],
      ['objectives.mlm.enabled=false', 'objectives.superres.window=center'],
    ]) {
      const config = smallConfig([...overrides, 'optim.steps=1']);
      const runDir = new RunDir(mkdtempSync(join(tmpdir(), 'ecamp-ablate-')), 'a');
      const { model, summary } = await pretrain({ config, source: FixedBatchSource.random(REPORTS, 2), runDir, log: quiet });
      try {
        expect(summary.lastLoss.mlm).toBeUndefined();
        expect(summary.lastLoss.mim !== undefined || summary.lastLoss.superres !== undefined).toBe(true);
        expect(model.text).toBeUndefined();
      } finally {
        model.dispose();
      }
    }
  });
});
