/**
 * Does a pre-training run's text decoder read the image? For each run folder given, its final
 * (or newest step) checkpoint scores the MLM loss of training pairs with their own images and
 * with another example's image, and the encoder-gradient norms of the MIM and MLM terms
 * (src/evidence/image-reliance.ts). A diagnostic for the evidence benchmark: a text objective
 * whose loss ignores the image cannot teach the encoder.
 *
 *   pnpm --filter @ecamp/trainer bench:image-reliance -- runs/evidence/full/seed0/pretrain/full-seed0 [more run folders] [--batches 6]
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCheckpoint } from '@ecamp/core';
import { loadTokenizer } from '@ecamp/mlm';
import { validateConfig } from '../src/config/load.js';
import { mlmImageReliance } from '../src/evidence/image-reliance.js';
import { latestCheckpoint } from '../src/pretrain/checkpoints.js';
import { EcampPretrainModel } from '../src/pretrain/model.js';
import { LoaderBatchSource, prepareRunData } from '../src/run/data.js';
import { createLogger } from '../src/run/logger.js';
import { startBackend } from '../src/run/pipeline.js';

const { values, positionals } = parseArgs({
  // `pnpm bench:image-reliance -- <run>` hands the `--` on: drop it.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  allowPositionals: true,
  options: { batches: { type: 'string', default: '6' }, help: { type: 'boolean' } },
});
if (values.help || positionals.length === 0) {
  process.stdout.write('usage: bench:image-reliance -- <run folder> [<run folder> …] [--batches 6]\n');
  process.exit(values.help ? 0 : 2);
}
const batches = Number(values.batches);
if (!Number.isInteger(batches) || batches < 1) throw new Error(`--batches: expected a whole number ≥ 1, got '${values.batches}'`);
const log = createLogger('image-reliance');
let started = false;
for (const arg of positionals) {
  const dir = resolve(arg);
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new Error(`${arg}: no config.json (not a pre-training run folder)`);
  // The run's own outDir (relative to the working folder, as when it ran) holds its synthetic set.
  const config = validateConfig(JSON.parse(readFileSync(configPath, 'utf8')), configPath);
  if (!started) {
    await startBackend(config, log);
    started = true;
  }
  const final = join(dir, 'checkpoints', 'pretrain.safetensors');
  const checkpoint = existsSync(final) ? final : latestCheckpoint(join(dir, 'checkpoints'))?.path;
  if (!checkpoint) throw new Error(`${arg}: no checkpoint in checkpoints/`);
  const tokenizer = loadTokenizer(config.tokenizer.path ?? join(dir, 'tokenizer.json'), { maxLength: config.model.text.maxLength });
  const model = new EcampPretrainModel(config, tokenizer.vocabSize);
  loadCheckpoint(checkpoint, model, { strict: true });
  const data = await prepareRunData(config, log);
  // A loader seed of its own: other batches than the run's first ones.
  const source = new LoaderBatchSource(data.records, { ...config, seed: config.seed + 1000 }, data.badSamples);
  const t0 = performance.now();
  try {
    const r = await mlmImageReliance(model, tokenizer, config, source, batches, config.seed);
    process.stdout.write(
      `${basename(dir)} (${basename(checkpoint)}): MLM loss per masked token ${r.matched.toFixed(4)} with its own image, ${r.shuffled.toFixed(4)} with another's ` +
        `(gap ${r.gap >= 0 ? '+' : ''}${r.gap.toFixed(4)}); encoder gradient norm MIM ${r.encoderGradMim.toFixed(4)}, MLM ${r.encoderGradMlm.toFixed(4)} ` +
        `(balance ${config.objectives.balance}; ${r.batches} batches of ${config.data.batchSize}, ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
    );
  } finally {
    await source.close();
    model.dispose();
  }
}
