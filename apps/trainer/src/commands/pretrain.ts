import { loadConfig } from '../config/load.js';
import { createLogger } from '../run/logger.js';
import { runPretrain, startBackend } from '../run/pipeline.js';
import { RunDir } from '../run/run-dir.js';
import { reportAfterRun } from '../report/write.js';
import { configHelp, configOptions, type Command } from './command.js';

/** `ecamp pretrain`: pre-training only. */
export const pretrainCommand: Command = {
  name: 'pretrain',
  summary: 'pre-train the encoder with the enabled objectives',
  help: `Usage: ecamp pretrain [options]

Pre-trains with the enabled objectives and writes checkpoints/pretrain.safetensors
(model + optimiser + loader position) and checkpoints/encoder.safetensors (the ViT
alone, timm names) under <outDir>/<name>/, and the HTML report (report.html,
see 'ecamp report').

Options:
${configHelp}`,
  options: configOptions,
  async run(values) {
    const config = loadConfig(values.config as string, values.set as string[]);
    const log = createLogger(config.name);
    const runDir = new RunDir(config.outDir, config.name);
    runDir.writeJson('config.json', config);
    const backend = await startBackend(config, log);
    const { summary } = await runPretrain(config, runDir, log);
    await reportAfterRun(runDir.root, log, { backend });
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  },
};
