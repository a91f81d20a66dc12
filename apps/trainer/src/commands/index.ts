import type { Command } from './command.js';
import { configCommand } from './config.js';
import { runCommand } from './run.js';

/** Every `ecamp` sub-command, in the order the help lists them. */
export const commands: Command[] = [runCommand, configCommand];
