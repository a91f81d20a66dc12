import { runCli } from '@ecamp/distill';
import { INTERRUPTED_EXIT, interruptOnSignals, shellQuote } from '../run/interrupt.js';
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
SIGTERM) stops handing out reports, cancels the requests in flight (those
reports are asked again next time), prints the command that resumes — the same
command: finished reports are not asked again — and exits with status 130.
Offline (no --host) there is nothing to keep: Ctrl-C stops at once (130), the
outputs are written only at the end, atomically.

Run 'ecamp distill --help' for the full option list.`,
  options: {},
  passthrough: true,
  async run(_values, argv) {
    const online = argv.some((a) => a === '--host' || a.startsWith('--host='));
    if (!online) return runCli(argv);
    const interrupt = interruptOnSignals((sig) => process.stderr.write(`[distill] ${sig}: stopping; finished reports stay in the journal (again to stop at once)\n`));
    try {
      const code = await runCli(argv, undefined, interrupt.signal);
      if (code === INTERRUPTED_EXIT) {
        process.stderr.write(`[distill] interrupted; to resume: ${sameCommandLine(argv)}\n`);
        return INTERRUPTED_EXIT;
      }
      return code;
    } finally {
      interrupt.dispose();
    }
  },
};
