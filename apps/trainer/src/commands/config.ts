import { loadConfig } from '../config/load.js';
import { configHelp, configOptions, type Command } from './command.js';

/** `ecamp config`: prints the fully resolved configuration (every default filled in). */
export const configCommand: Command = {
  name: 'config',
  summary: 'print the resolved configuration',
  help: `Usage: ecamp config [options]

Prints the configuration a run would use, with every default filled in, as JSON.

Options:
${configHelp}`,
  options: configOptions,
  async run(values) {
    const config = loadConfig(values.config as string, values.set as string[]);
    process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
    return 0;
  },
};
