/**
 * Benchmark: one full ECAMP pre-training step (MIM + SR + MLM, forward + backward
 * + AdamW) at the `tiny` preset's shapes with the anchor's text sizes (vocabulary
 * 30,000, sequence 128, batch 8), against the PyTorch anchor
 * (`../shared/anchors/torch_ecamp_step.py`, same shapes) run in the same process
 * run, and the ratio ours / PyTorch.
 *
 *   pnpm --filter @ecamp/trainer bench [-- --steps 5 --backend wasm --threads 2 --set objectives.mlm.enabled=false]
 *
 * Prints wall, CPU and peak-memory ratios and a load check on both sides: measure on a quiet
 * machine (`other processes ~0 CPU-s` on both load-check lines).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LoadCheck, reportComparison, runTorchAnchor } from '@ecamp/bench-anchor';
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
// Wall and CPU time of each optimiser step, taken between onStep calls (batch preparation,
// forward, backward and the update, as in a real run).
const wallMs: number[] = [];
const cpuMs: number[] = [];
let load: LoadCheck | undefined;
let last = { wall: performance.now(), cpu: process.cpuUsage() };
const { model } = await pretrain({
  config,
  source: FixedBatchSource.random(REPORTS.concat(REPORTS), 8),
  tokenizer,
  runDir,
  log: quiet,
  onStep: (step) => {
    const now = { wall: performance.now(), cpu: process.cpuUsage() };
    if (step > warmup) {
      wallMs.push(now.wall - last.wall);
      const c = process.cpuUsage(last.cpu);
      cpuMs.push((c.user + c.system) / 1000);
    }
    if (step === warmup) load = new LoadCheck();
    last = { wall: performance.now(), cpu: process.cpuUsage() };
  },
});
const loadLine = load?.line() ?? 'load check: no timed steps';
model.dispose();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const backendLine = `backend=${info.backend} simd=${info.simd} threads=${info.threads}${info.native ? ` native=${info.native.blas} (${info.native.blasCore})` : ''}${info.fallbackReason ? ` (${info.fallbackReason})` : ''} vocabulary=${tokenizer.vocabSize}`;
const ours = {
  medianMs: median(wallMs),
  minMs: Math.min(...wallMs),
  stepsMs: wallMs,
  cpuMsPerStep: median(cpuMs),
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  loadCheck: loadLine,
};
const anchor = values['no-anchor']
  ? ({ ok: false, reason: 'skipped (--no-anchor)' } as const)
  : runTorchAnchor({ threads, batch: 8, steps, warmup, vocab: tokenizer.vocabSize, seq: 128 });
reportComparison(`full ECAMP pre-training step (tiny: MIM + SR + MLM, batch 8, sequence 128)`, backendLine, ours, anchor, threads);
