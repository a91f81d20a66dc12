/**
 * Ctrl-C (SIGINT) and SIGTERM for long commands: the first one asks the work to stop at its next
 * safe point (a finished step, with a checkpoint); a second one ends the process at once (130).
 */
import { relative } from 'node:path';

/** The exit status of an interrupted command (128 + SIGINT). */
export const INTERRUPTED_EXIT = 130;

/** A signal that aborts on the first SIGINT/SIGTERM; `dispose` restores the default handling. */
export interface Interrupt {
  signal: AbortSignal;
  dispose(): void;
}

/** Listens for SIGINT and SIGTERM until disposed; `notice` is printed on the first one. */
export function interruptOnSignals(notice: (signal: NodeJS.Signals) => void): Interrupt {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT);
    controller.abort();
    notice(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that resumes this one: the same arguments with `--resume` (any earlier
 * `--resume [value]` replaced), started as it was (`ecamp …`, or `node <script> …`).
 */
export function resumeCommandLine(args: string[], argv: string[] = process.argv): string {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--resume=')) continue;
    if (a === '--resume') {
      if (i + 1 < args.length && !args[i + 1].startsWith('-')) i++;
      continue;
    }
    out.push(a);
  }
  const script = argv[1] ?? 'ecamp';
  const start = /(^|\/)ecamp$/.test(script) ? ['ecamp'] : ['node', ...process.execArgv, relative(process.cwd(), script) || script];
  return [...start, ...out, '--resume'].map(shellQuote).join(' ');
}
