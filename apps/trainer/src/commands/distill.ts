import { runCli } from '@ecamp/distill';
import { INTERRUPTED_EXIT, shellQuote } from '../run/interrupt.js';
import type { Command } from './command.js';

/** How the command was started: `ecamp distill …`, or `node <script> distill …`. */
function sameCommandLine(args: string[]): string {
  const script = process.argv[1] ?? 'ecamp';
  const start = /(^|\/)ecamp$/.test(script) ? ['ecamp'] : ['node', ...process.execArgv, script];
  return [...start, 'distill', ...args].map(shellQuote).join(' ');
}

/** `ecamp distill`: the entity-context distillation of @ecamp/distill (Ollama hosts or the offline rules). */
export const distillCommand: Command = {
  name: 'distill',
  summary: 'distil entity-centred contexts from reports (Ollama hosts, or offline rules)',
  help: `Usage: ecamp distill [options]

Runs @ecamp/distill's command line (the same as the ecamp-distill bin); its
options follow. Its CSV output (img_path, report, llm_output) is what
'data.context: csv' reads.

With --host, every finished report is in the journal at once: Ctrl-C (or
SIGTERM) stops handing out reports, lets the requests in flight finish (each by
--timeout) and records them, prints the command that resumes — the same
command: finished reports are not asked again — and exits with status 130. A
second Ctrl-C ends the requests in flight (those reports are asked again next
time), a third stops at once. Offline (no --host) there is nothing to keep:
Ctrl-C stops at once (130); the outputs are written only at the end, atomically.

Run 'ecamp distill --help' for the full option list.`,
  options: {},
  passthrough: true,
  async run(_values, argv) {
    const online = argv.some((a) => a === '--host' || a.startsWith('--host='));
    if (!online) return runCli(argv);
    // First signal: stop, the requests in flight finish and are recorded; second: end them; third: exit.
    const stop = new AbortController();
    const cancel = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => {
      if (cancel.signal.aborted) process.exit(INTERRUPTED_EXIT);
      if (stop.signal.aborted) return cancel.abort();
      stop.abort();
      process.stderr.write(`[distill] ${sig}: stopping after the requests in flight (at most --timeout; again to end them now)\n`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const code = await runCli(argv, undefined, stop.signal, cancel.signal);
      if (code === INTERRUPTED_EXIT) {
        process.stderr.write(`[distill] interrupted; to resume: ${sameCommandLine(argv)}\n`);
        return INTERRUPTED_EXIT;
      }
      return code;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
