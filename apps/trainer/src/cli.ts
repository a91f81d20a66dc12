#!/usr/bin/env node
/**
 * `ecamp` — the ECAMP.ts command line. Each sub-command lives in
 * `commands/<name>.ts`; this file only dispatches and prints help.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from './config/load.js';
import type { Command } from './commands/command.js';
import { commands } from './commands/index.js';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: ecamp <command> [options]

ECAMP.ts: entity-centred context-aware medical vision-language pre-training.

Commands:
${list}

Run 'ecamp <command> --help' for a command's options.`;
}

/** `--flag` with no value after it (the end, or another flag next) becomes `--flag=<default>`. */
function withOptionalValues(args: string[], defaults: Record<string, string>): string[] {
  return args.map((a, i) => {
    const flag = a.startsWith('--') ? a.slice(2) : undefined;
    if (flag === undefined || !(flag in defaults)) return a;
    const next = args[i + 1];
    return next === undefined || next.startsWith('-') ? `--${flag}=${defaults[flag]}` : a;
  });
}

/** Runs the CLI on `argv` (without node and script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(`${target ? target.help : usage()}\n`);
    return 0;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`ecamp: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  if (command.passthrough) return command.run({}, rest, rest);
  let parsed;
  try {
    parsed = parseArgs({
      args: withOptionalValues(rest, command.optionalValues ?? {}),
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
  } catch (e) {
    process.stderr.write(`ecamp ${name}: ${(e as Error).message}\n\n${command.help}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(parsed.values as Record<string, unknown>, parsed.positionals, [name, ...rest]);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`ecamp ${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

// Run only when executed (also through the `ecamp` bin symlink), not when imported by tests.
const isEntry = !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
