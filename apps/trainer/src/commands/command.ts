import type { ParseArgsConfig } from 'node:util';

/** One `ecamp` sub-command: its help text, its flags and what it does. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text (usage, flags, examples). */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Whether positional arguments are accepted. */
  positionals?: boolean;
  /** Hand the raw arguments to `run` unparsed (commands that delegate to a package's own CLI). */
  passthrough?: boolean;
  /** String flags whose value may be left out (`--resume` alone), with the value they then take. */
  optionalValues?: Record<string, string>;
  /** `args`: the command's own arguments as typed (to print a command that continues this one). */
  run(values: Record<string, unknown>, positionals: string[], args?: string[]): Promise<number>;
}

/** Flags shared by every command that reads a configuration. */
export const configOptions = {
  config: { type: 'string', short: 'c', default: 'tiny' },
  set: { type: 'string', multiple: true, default: [] as string[] },
} as const;

export const configHelp = `  -c, --config <preset|file>  a preset name (tiny, quickstart, paper) or a JSON/YAML file; default tiny
      --set key.path=value     override one field (repeatable), e.g. --set optim.steps=20`;

/** `--resume [checkpoint]`, shared by `ecamp pretrain` and `ecamp run`. */
export const resumeOption = { resume: { type: 'string' } } as const;

export const resumeHelp = `      --resume [checkpoint]    continue a stopped run: from <checkpoint>, or without a value from
                               the run folder's newest one (checkpoints/step-NNNNNN.safetensors);
                               weights, AdamW state, schedule, RNG streams and loader position come
                               back, so the result equals an uninterrupted run's`;
