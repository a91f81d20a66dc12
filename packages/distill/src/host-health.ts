/** Options of {@link HostHealth}. */
export interface HostHealthOptions {
  /** Consecutive transport failures after which the host is benched (default 3). */
  benchAfter?: number;
  /** First bench duration; doubles with each bench in a row (default 30 s). */
  benchMs?: number;
  /** Longest bench (default 10 min). */
  maxBenchMs?: number;
}

/**
 * Health of one host: after `benchAfter` transport failures in a row (timeouts, 5xx, dropped
 * connections) the host is benched — its workers take no work — for `benchMs`, doubling with
 * each further bench until a request succeeds again. Invalid answers are the model's fault, not
 * the host's, and do not count.
 */
export class HostHealth {
  private consecutiveFailures = 0;
  private benches = 0;
  private until = 0;
  private readonly benchAfter: number;
  private readonly benchMs: number;
  private readonly maxBenchMs: number;

  constructor(
    options: HostHealthOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.benchAfter = options.benchAfter ?? 3;
    this.benchMs = options.benchMs ?? 30_000;
    this.maxBenchMs = options.maxBenchMs ?? 600_000;
  }

  /** Milliseconds left on the bench (0 when the host may work). */
  benchedFor(): number {
    return Math.max(0, this.until - this.now());
  }

  /** A request succeeded: the failure streak and bench escalation reset. */
  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.benches = 0;
  }

  /** A transport failure; returns the bench duration when this failure benched the host, else 0. */
  recordFailure(): number {
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures < this.benchAfter) return 0;
    const ms = Math.min(this.maxBenchMs, this.benchMs * 2 ** this.benches);
    this.benches += 1;
    this.consecutiveFailures = 0;
    this.until = this.now() + ms;
    return ms;
  }

  /** Benches the host right away (e.g. it failed the start-up probe). */
  bench(): number {
    this.consecutiveFailures = this.benchAfter - 1;
    return this.recordFailure();
  }
}
