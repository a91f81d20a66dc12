import { main as synthMain, HELP } from '@ecamp/data/cli/synth';
import type { Command } from './command.js';

/** `ecamp synth`: writes the synthetic chest X-ray set (@ecamp/data's ecamp-synth). */
export const synthCommand: Command = {
  name: 'synth',
  summary: 'write the embedded synthetic chest X-ray set in the real data sets’ formats',
  help: `Usage: ecamp synth --out <dir> [options]

Runs @ecamp/data's ecamp-synth. Its own help:

${HELP}`,
  options: {},
  passthrough: true,
  async run(_values, argv) {
    return synthMain(argv);
  },
};
