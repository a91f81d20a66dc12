/**
 * Runs a command to completion with a deadline and keeps its output (for the check's log).
 */
import { spawnSync } from 'node:child_process';

/** Outcome of {@link exec}. */
export interface ExecResult {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** Set when the command could not start or hit its deadline. */
  error?: string;
}

/** Options of {@link exec}. */
export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Deadline in milliseconds (default 10 minutes). */
  timeoutMs?: number;
}

/** Runs `command args…` (no shell); never throws. */
export function exec(command: string, args: readonly string[], options: ExecOptions = {}): ExecResult {
  const t0 = performance.now();
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 600_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - t0) / 1000;
  let error: string | undefined;
  if (r.error)
    error =
      (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `timed out after ${((options.timeoutMs ?? 600_000) / 1000).toFixed(0)} s` : r.error.message;
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', seconds, ...(error ? { error } : {}) };
}

/** The last `lines` lines of a command's combined output, for error messages. */
export function tail(r: ExecResult, lines = 25): string {
  return `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-lines).join('\n');
}

/** `exec` that throws (with the output's tail) unless the command exits 0. */
export function execOk(command: string, args: readonly string[], options: ExecOptions = {}): ExecResult {
  const r = exec(command, args, options);
  if (r.status !== 0 || r.error)
    throw new Error(`'${[command, ...args].join(' ')}' failed (${r.error ?? `exit ${r.status}`}) in ${options.cwd ?? process.cwd()}:\n${tail(r)}`);
  return r;
}
