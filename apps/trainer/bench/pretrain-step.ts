/**
 * Benchmark: one full ECAMP pre-training step (MIM + SR + MLM, forward + backward
 * + AdamW) at the `tiny` preset's shapes with the anchor's text sizes (vocabulary
 * 30,000, sequence 128, batch 8), against the PyTorch anchor
 * (`../shared/anchors/torch_ecamp_step.py`, same shapes) run in the same process
 * run, and the ratio ours / PyTorch.
 *
 *   pnpm --filter @ecamp/trainer bench [-- --steps 5 --backend wasm --threads 2 --set objectives.mlm.enabled=false]
 *
 * Measure on a quiet machine (the anchor's `load check` line says how busy it was).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runTorchAnchor } from '@ecamp/bench-anchor';
import { initBackend, type BackendName } from '@ecamp/core';
import { loadTokenizer, trainWordPiece } from '@ecamp/mlm';
import { sharedDataPath } from '@ecamp/vitest-preset/shared-data';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/run/logger.js';
import { RunDir } from '../src/run/run-dir.js';
import { FixedBatchSource } from '../src/pretrain/fixed-source.js';
import { pretrain } from '../src/pretrain/train.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    backend: { type: 'string' },
    threads: { type: 'string', default: '2' },
    'no-anchor': { type: 'boolean', default: false },
    /** Config overrides (as `ecamp --set`), e.g. --set objectives.mlm.enabled=false to time parts. */
    set: { type: 'string', multiple: true, default: [] },
  },
});
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const threads = Number(values.threads);

const REPORTS = [
  'There is a small left pleural effusion. No pneumothorax. Heart size is normal.',
  'Moderate cardiomegaly. There is no evidence of pneumonia. Right basilar opacity.',
  'No acute cardiopulmonary process. There is no pleural effusion or pneumothorax.',
  'Large right pneumothorax with mediastinal shift. Mild pulmonary edema.',
];

const info = await initBackend({ backend: values.backend as BackendName | undefined, quiet: true });
const authors = sharedDataPath('tokenizers/mimic_wordpiece.json');
const tokenizer = authors
  ? loadTokenizer(authors, { maxLength: 128 })
  : loadTokenizer(trainWordPiece(REPORTS, { vocabSize: 500, minFrequency: 1 }), { maxLength: 128 });
const config = loadConfig('tiny', [
  `optim.steps=${warmup + steps}`,
  'optim.warmupSteps=1',
  'data.batchSize=8',
  'model.text.maxLength=128',
  'log.checkpointEvery=1000000',
  'log.every=1000000',
  ...(values.set as string[]),
]);
const runDir = new RunDir(mkdtempSync(join(tmpdir(), 'ecamp-bench-')), 'bench');
const quiet = createLogger('bench', { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);
const { model } = await pretrain({ config, source: FixedBatchSource.random(REPORTS.concat(REPORTS), 8), tokenizer, runDir, log: quiet });
model.dispose();
const ms = readFileSync(runDir.path('metrics.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => (JSON.parse(l) as { ms: number }).ms)
  .slice(warmup)
  .sort((a, b) => a - b);
const median = ms[Math.floor(ms.length / 2)];
console.log(`ours: backend=${info.backend} simd=${info.simd} threads=${info.threads} vocabulary=${tokenizer.vocabSize}`);
console.log(`ours: median ms/step=${median.toFixed(0)}  min=${ms[0].toFixed(0)}  images/s=${((8 * 1000) / median).toFixed(2)}  (steps ${ms.map((m) => m.toFixed(0)).join(' ')})`);

if (!values['no-anchor']) {
  const anchor = runTorchAnchor({ threads, batch: 8, steps, warmup, vocab: tokenizer.vocabSize, seq: 128 });
  if (!anchor.ok) {
    console.log(`anchor: not run (${anchor.reason})`);
  } else {
    const r = anchor.result;
    console.log(`anchor: ${r.header ?? ''}`);
    console.log(`anchor: median ms/step=${r.medianMs}  images/s=${r.imagesPerSecond}  ${r.loadCheck ?? ''}`);
    console.log(`ratio ours/PyTorch (full ECAMP step, ${threads} torch threads): ${(median / r.medianMs).toFixed(2)}`);
  }
}
