/** What happened to one report (or host) during a run; feeds progress display and logs. */
export type RunEvent =
  | { type: 'done'; id: string; host: string; attempts: number }
  | { type: 'cached'; id: string }
  | { type: 'failed'; id: string; reason: string; detail?: string; cached: boolean }
  | { type: 'retry'; id: string; host: string; reason: string; attempt: number }
  | { type: 'benched'; host: string; ms: number; reason: string }
  | { type: 'host-ready'; host: string; version: string; parallel: number }
  | { type: 'host-down'; host: string; reason: string };

/** Totals of a run. `done + cached + failed = total` unless `interrupted`. */
export interface RunSummary {
  total: number;
  /** Distilled in this run. */
  done: number;
  /** Taken from the journal (earlier runs) or identical to another report of this run. */
  cached: number;
  /** Recorded as failed (this run or, unless retried, an earlier one). */
  failed: number;
  failedByReason: Record<string, number>;
  /** True when the run was aborted before every report was finished. */
  interrupted: boolean;
}

/** A zeroed {@link RunSummary}. */
export function emptySummary(): RunSummary {
  return { total: 0, done: 0, cached: 0, failed: 0, failedByReason: {}, interrupted: false };
}
