/**
 * `@ecamp/distill/cli` — the `ecamp-distill` command's internals: in-process entry point,
 * argument parsing and usage text. The main entry keeps `runCli` alone.
 * @packageDocumentation
 */
export { type CliIo, runCli } from './cli-main.js';
export { type CliOptions, USAGE, parseCliArgs } from './cli-args.js';
