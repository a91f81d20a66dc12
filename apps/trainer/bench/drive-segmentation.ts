/**
 * DRIVE vessel segmentation: does a pre-trained encoder beat a random one with the authors'
 * segmentation protocol (frozen ViT, their decoder with seg_head, 10·focal − log Dice, AdamW
 * with warm-up cosine)? The 20 DRIVE training images (../shared/data/drive/training, manual
 * vessel masks in 1st_manual/) are split 15/5 by a seeded permutation — or into 4 folds of 5
 * with --folds 4, so every image is tested once — and each encoder's head is trained on 15
 * and scored on 5: per-image Dice at 0.5 with a bootstrap interval, and the paired difference.
 *
 *   pnpm --filter @ecamp/trainer bench:drive [-- --encoder runs/tiny/checkpoints/encoder.safetensors --folds 1 --epochs 100]
 *
 * Results: runs/bench-drive/{results.json,table.md} and every run's folder.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '@ecamp/core';
import { sharedDataPath } from '@ecamp/vitest-preset/shared-data';
import { formatFoldBenchmark, runFoldBenchmark } from '../src/finetune/fold-bench.js';
import { createLogger } from '../src/run/logger.js';

const { values } = parseArgs({
  // `pnpm bench:drive -- --epochs 10` hands the `--` on: drop it.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    encoder: { type: 'string', default: 'runs/tiny/checkpoints/encoder.safetensors' },
    folds: { type: 'string', default: '1' },
    epochs: { type: 'string', default: '100' },
    'batch-size': { type: 'string', default: '5' },
    'decoder-widths': { type: 'string', default: '512,256,128,64' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'runs/bench-drive' },
  },
});
const root = sharedDataPath('drive/training');
if (!root) {
  process.stdout.write('bench:drive skipped: ../shared/data/drive/training is absent (the DRIVE training images and their 1st_manual vessel masks)\n');
  process.exit(0);
}
if (!existsSync(values.encoder!)) {
  process.stderr.write(
    `bench:drive: no pre-trained encoder at ${values.encoder}; make one with 'pnpm train' (writes apps/trainer/runs/tiny/checkpoints/encoder.safetensors) or pass --encoder <file>\n`,
  );
  process.exit(1);
}
const log = createLogger('bench:drive');
log.info(`backend: ${JSON.stringify(await initBackend({ quiet: true }))}`);
const started = performance.now();
const result = await runFoldBenchmark(
  {
    root,
    images: 'images',
    masks: '1st_manual',
    encoders: [
      { name: 'pre-trained', encoder: values.encoder! },
      { name: 'random', encoder: 'random' },
    ],
    testSize: 5,
    folds: Number(values.folds),
    seed: Number(values.seed),
    flags: { epochs: values.epochs!, 'batch-size': values['batch-size']!, 'decoder-widths': values['decoder-widths']!, vit: 'tiny' },
    out: values.out!,
    bootstrap: 1000,
  },
  log,
);
const table = formatFoldBenchmark(result, 5);
writeFileSync(join(values.out!, 'table.md'), `${table}\n`);
process.stdout.write(
  `\nDRIVE vessel segmentation (frozen encoder, the authors' decoder, ${values.epochs} epochs, batch ${values['batch-size']})\n${table}\n\nfiles: ${values.out}/{table.md,results.json}\nwall time: ${((performance.now() - started) / 60000).toFixed(1)} min\n`,
);
