import { loadConfig } from '../config/load.js';
import { createLogger } from '../run/logger.js';
import { formatRunSummary, runAll } from '../run/pipeline.js';
import { reportAfterRun } from '../report/write.js';
import { configHelp, configOptions, type Command } from './command.js';

/** `ecamp run`: the main job — pre-train, then evaluate the encoder. */
export const runCommand: Command = {
  name: 'run',
  summary: 'pre-train on the configured data, then evaluate the encoder (the main job)',
  help: `Usage: ecamp run [options]

Pre-trains the ViT encoder with the enabled ECAMP objectives (MIM, context-guided
super-resolution, entity-aware MLM with context fusion), then trains a
classification head on it (linear probe or fine-tuning) and reports AUROC on
the test split, next to the same head on a randomly initialised encoder.
With the default 'tiny' preset the data is the embedded synthetic chest X-ray
set, generated on first use under <outDir>/data/.

Writes <outDir>/<name>/: config.json, metrics.jsonl, checkpoints/
(pretrain.safetensors with optimiser state, encoder.safetensors with timm
names), tokenizer.json, pretrain-summary.json, evaluation.json, summary.json,
and report.html (open it in a browser; see 'ecamp report').

Options:
${configHelp}

Examples:
  ecamp run                                   # tiny preset, synthetic data
  ecamp run --set optim.steps=10 --set name=quick
  ECAMP_BACKEND=cpu ecamp run -c my-run.yaml`,
  options: configOptions,
  async run(values) {
    const config = loadConfig(values.config as string, values.set as string[]);
    const log = createLogger(config.name);
    const { pretrain, evaluation, runDir } = await runAll(config, log);
    await reportAfterRun(runDir.root, log);
    process.stdout.write(`${formatRunSummary(pretrain, evaluation)}\nrun folder: ${runDir.root}\n`);
    return 0;
  },
};
