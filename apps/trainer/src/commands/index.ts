import type { Command } from './command.js';
import { configCommand } from './config.js';
import { ablateCommand } from './ablate.js';
import { distillCommand } from './distill.js';
import { evaluateCommand } from './evaluate.js';
import { evalCommand } from './eval.js';
import { finetuneCommand } from './finetune.js';
import { pretrainCommand } from './pretrain.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { synthCommand } from './synth.js';
import { windowsCommand } from './windows.js';

/** Every `ecamp` sub-command, in the order the help lists them. */
export const commands: Command[] = [
  runCommand,
  pretrainCommand,
  evaluateCommand,
  finetuneCommand,
  evalCommand,
  ablateCommand,
  reportCommand,
  windowsCommand,
  synthCommand,
  distillCommand,
  configCommand,
];
