/**
 * Run logging: plain timestamped lines, and progress with rate and ETA. On a
 * terminal the progress line redraws in place; elsewhere (CI, turbo, files)
 * every progress report is its own line.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Progress of `done` out of `total` units, with a free-form detail. */
  progress(done: number, total: number, detail: string): void;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A logger writing to a stream (stderr by default), prefixed with a scope name. */
export function createLogger(scope: string, stream: NodeJS.WriteStream = process.stderr, now: () => number = () => performance.now()): Logger {
  const tty = Boolean(stream.isTTY);
  const started = now();
  let lastWasProgress = false;
  const line = (text: string) => {
    if (lastWasProgress && tty) stream.write('\n');
    lastWasProgress = false;
    stream.write(`[${scope}] ${text}\n`);
  };
  return {
    info: (m) => line(m),
    warn: (m) => line(`warning: ${m}`),
    progress(done, total, detail) {
      const elapsed = (now() - started) / 1000;
      const rate = done / Math.max(elapsed, 1e-9);
      const eta = (total - done) / rate;
      const pct = Math.floor((100 * done) / total);
      const width = 20;
      const filled = Math.round((width * done) / total);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
      const text = `[${scope}] ${bar} ${done}/${total} (${pct}%) ${detail}  eta ${formatDuration(eta)}`;
      if (tty) {
        stream.write(`\r\x1b[2K${text}`);
        lastWasProgress = done < total;
        if (done >= total) stream.write('\n');
      } else {
        stream.write(`${text}\n`);
      }
    },
  };
}
