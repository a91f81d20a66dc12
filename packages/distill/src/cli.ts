#!/usr/bin/env node
/** The `ecamp-distill` command (see `ecamp-distill --help`). */
import { runCli } from './cli-main.js';

const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => controller.abort());
process.exitCode = await runCli(process.argv.slice(2), undefined, controller.signal);
