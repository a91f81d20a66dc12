#!/usr/bin/env node
/** The `ecamp-distill` command (see `ecamp-distill --help`). */
import { runCli } from './cli-main.js';

// First Ctrl-C: stop, letting the requests in flight finish and be recorded; a second one ends them.
const stop = new AbortController();
const cancel = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (cancel.signal.aborted) process.exit(130);
    if (stop.signal.aborted) return cancel.abort();
    stop.abort();
    process.stderr.write(`ecamp-distill: ${sig}: stopping after the requests in flight (at most --timeout); again to end them now\n`);
  });
}
process.exitCode = await runCli(process.argv.slice(2), undefined, stop.signal, cancel.signal);
