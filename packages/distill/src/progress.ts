import type { RunEvent, RunSummary } from './run-types.js';

/** Where progress goes: a writable with an optional TTY flag (process.stderr by default). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Number of reports, when known (needed for percent and ETA). */
  total?: number;
  stream?: ProgressStream;
  /** Minimum time between redraws on a terminal (default 200 ms) or log lines otherwise (default 10 s). */
  intervalMs?: number;
  now?: () => number;
}

/** "1h02m", "3m05s", "12s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** One-line run summary: done, cached, failed by reason. */
export function formatSummary(s: RunSummary): string {
  const reasons = Object.entries(s.failedByReason)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} ${n}`)
    .join(', ');
  return `${s.total} reports: ${s.done} distilled, ${s.cached} cached, ${s.failed} failed${reasons ? ` (${reasons})` : ''}${s.interrupted ? ', INTERRUPTED' : ''}`;
}

/**
 * Progress of a run: on a terminal a redrawn bar with count, rate and ETA; otherwise (a log
 * file, CI) a plain line every `intervalMs`. Host events (benched, down) are always logged as
 * their own lines. The rate counts reports finished by this run, not cache hits.
 */
export class Progress {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly interval: number;
  private readonly now: () => number;
  private readonly started: number;
  private last = -Infinity;
  private finishedHere = 0;
  private seen = 0;
  private cached = 0;
  private failed = 0;
  private barShown = false;

  constructor(private readonly options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
    this.interval = options.intervalMs ?? (this.tty ? 200 : 10_000);
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  /** Feeds one run event. */
  onEvent(e: RunEvent): void {
    switch (e.type) {
      case 'done':
        this.seen += 1;
        this.finishedHere += 1;
        break;
      case 'cached':
        this.seen += 1;
        this.cached += 1;
        break;
      case 'failed':
        this.seen += 1;
        this.failed += 1;
        if (!e.cached) this.finishedHere += 1;
        break;
      case 'benched':
        this.log(`host ${e.host} benched for ${formatDuration(e.ms / 1000)} after repeated ${e.reason}`);
        break;
      case 'host-down':
        this.log(`host ${e.host} unusable at start (${e.reason}); benched, will be retried`);
        break;
      case 'host-ready':
        this.log(`host ${e.host} ready (ollama ${e.version}, ${e.parallel} parallel)`);
        break;
      default:
        return;
    }
    if (this.now() - this.last >= this.interval) this.draw();
  }

  /** A line of its own (clears the bar first on a terminal). */
  log(line: string): void {
    if (this.tty && this.barShown) this.stream.write('\r\x1b[2K');
    this.stream.write(`${line}\n`);
    this.barShown = false;
  }

  /** Final redraw and the summary line. */
  finish(summary: RunSummary): void {
    this.draw();
    if (this.tty) this.stream.write('\n');
    this.barShown = false;
    this.stream.write(`${formatSummary(summary)} in ${formatDuration((this.now() - this.started) / 1000)}\n`);
  }

  /** The status text: count, percent, rate, ETA, cached and failed. */
  statusText(): string {
    const elapsed = Math.max(1e-3, (this.now() - this.started) / 1000);
    const rate = this.finishedHere / elapsed;
    const total = this.options.total;
    const count = total ? `${this.seen}/${total} ${((100 * this.seen) / total).toFixed(1)}%` : `${this.seen}`;
    const eta = total && rate > 0 ? formatDuration((total - this.seen) / rate) : '?';
    return `${count} ${rate.toFixed(2)}/s ETA ${eta} (cached ${this.cached}, failed ${this.failed})`;
  }

  private draw(): void {
    this.last = this.now();
    const text = this.statusText();
    if (!this.tty) {
      this.stream.write(`progress ${text}\n`);
      return;
    }
    const total = this.options.total;
    const width = 30;
    const filled = total ? Math.round((width * Math.min(this.seen, total)) / total) : 0;
    const bar = total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    this.stream.write(`\r\x1b[2K${bar}${text}`);
    this.barShown = true;
  }
}
