import type { Command } from './command.js';
import { configCommand } from './config.js';

/** Every `ecamp` sub-command, in the order the help lists them. */
export const commands: Command[] = [configCommand];
