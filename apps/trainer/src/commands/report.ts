import { initBackend } from '@ecamp/core';
import { ConfigError } from '../config/load.js';
import { createLogger } from '../run/logger.js';
import { RunFolderError } from '../report/read-run.js';
import { writeReport } from '../report/write.js';
import type { Command } from './command.js';

/** `ecamp report`: one self-contained HTML page for a run folder, an ablation or the evidence benchmark. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'write a self-contained HTML report of a run folder, an ablation or the evidence benchmark',
  help: `Usage: ecamp report <run-dir | ablation-<name>.json | evidence-dir> [options]

Writes one HTML file that opens in any browser without a network: the run's
configuration and backend, loss curves per objective with the learning rate,
throughput and gradient norm, the training pictures over time (masked input, MIM
reconstruction, SR output and target with the context window), the text-to-image
attention of the report's entity words over a few radiographs (computed from
checkpoints/pretrain.safetensors), the evaluation, and the ablation the run
belongs to. 'ecamp run', 'pretrain' and 'ablate' write it at the end by themselves.

Given <outDir>/ablation-<name>.json it writes ablation-<name>.html (the table and
every variant's curves); given the evidence folder, its table and chart.

Options:
  -o, --out <file>         where to write (default <run-dir>/report.html)
      --no-attention       skip the attention panel (it loads the model)
      --max-pictures <n>   most training pictures embedded (default 8)

Examples:
  ecamp report runs/tiny
  ecamp report runs/ablation-tiny.json`,
  options: { out: { type: 'string', short: 'o' }, 'no-attention': { type: 'boolean' }, 'max-pictures': { type: 'string' } },
  positionals: true,
  async run(values, positionals) {
    if (positionals.length !== 1) throw new ConfigError(`expected exactly one run folder, ablation table or evidence folder, got ${positionals.length}`);
    const max = values['max-pictures'] === undefined ? undefined : Number(values['max-pictures']);
    if (max !== undefined && !(Number.isInteger(max) && max > 0))
      throw new ConfigError(`--max-pictures: expected a positive integer, got '${String(values['max-pictures'])}'`);
    const attention = values['no-attention'] !== true;
    const log = createLogger('report');
    if (attention) await initBackend({ quiet: true });
    try {
      const r = await writeReport(positionals[0], { out: values.out as string | undefined, attention, maxPictures: max, log });
      process.stdout.write(`${r.path}\n`);
      return 0;
    } catch (e) {
      if (e instanceof RunFolderError) {
        process.stderr.write(`ecamp report: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  },
};
