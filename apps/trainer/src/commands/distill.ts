import { runCli } from '@ecamp/distill';
import type { Command } from './command.js';

/** `ecamp distill`: the entity-context distillation of @ecamp/distill (Ollama hosts or the offline rules). */
export const distillCommand: Command = {
  name: 'distill',
  summary: 'distil entity-centred contexts from reports (Ollama hosts, or offline rules)',
  help: `Usage: ecamp distill [options]

Runs @ecamp/distill's command line (the same as the ecamp-distill bin); its
options follow. Its CSV output (img_path, report, llm_output) is what
'data.context: csv' reads.

Run 'ecamp distill --help' for the full option list.`,
  options: {},
  passthrough: true,
  async run(_values, argv) {
    return runCli(argv);
  },
};
