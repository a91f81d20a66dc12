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
  run(values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

/** Flags shared by every command that reads a configuration. */
export const configOptions = {
  config: { type: 'string', short: 'c', default: 'tiny' },
  set: { type: 'string', multiple: true, default: [] as string[] },
} as const;

export const configHelp = `  -c, --config <preset|file>  a preset name (tiny, paper) or a JSON/YAML file; default tiny
      --set key.path=value     override one field (repeatable), e.g. --set optim.steps=20`;
