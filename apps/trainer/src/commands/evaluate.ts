import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../run/logger.js';
import { runEvaluate, startBackend } from '../run/pipeline.js';
import { RunDir } from '../run/run-dir.js';
import { configHelp, configOptions, type Command } from './command.js';

/** `ecamp evaluate`: downstream classification of an encoder checkpoint. */
export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'train and score a classification head on an encoder checkpoint',
  help: `Usage: ecamp evaluate [options]

Trains a classification head (evaluate.protocol: linear-probe or finetune) on the
evaluation training list and reports AUROC on the test list; with
evaluate.compareWithScratch also for a randomly initialised encoder.

Options:
${configHelp}
      --encoder <file>         encoder weights (safetensors, timm names);
                               default <outDir>/<name>/checkpoints/encoder.safetensors`,
  options: { ...configOptions, encoder: { type: 'string' } },
  async run(values) {
    const config = loadConfig(values.config as string, values.set as string[]);
    const log = createLogger(config.name);
    const runDir = new RunDir(config.outDir, config.name);
    await startBackend(config, log);
    const encoder = (values.encoder as string | undefined) ?? join(runDir.root, 'checkpoints', 'encoder.safetensors');
    const report = await runEvaluate(config, runDir, log, encoder);
    process.stdout.write(`${JSON.stringify({ results: report.results.map(({ perLabelAuroc: _p, ...r }) => r), difference: report.difference }, null, 2)}\n`);
    return 0;
  },
};
