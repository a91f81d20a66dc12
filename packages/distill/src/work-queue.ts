/**
 * The shared queue every host's workers pull from: an idle worker of any host takes the next
 * task, so fast hosts take more work than slow ones (work stealing without a scheduler).
 * Tracks outstanding tasks (queued, running or waiting for a retry) and ends once input is closed
 * and none are left. `waitForRoom` gives the producer back-pressure so a 377k-report input is
 * never held in memory at once.
 */
export class WorkQueue<T> {
  private readonly items: T[] = [];
  private readonly takers: ((t: T | undefined) => void)[] = [];
  private readonly roomWaiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private outstanding = 0;
  private inputClosed = false;
  private stopped = false;
  private readonly finished: Promise<void>;
  private resolveFinished!: () => void;

  constructor(private readonly highWater = 64) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  /** Adds a new task. */
  push(task: T): void {
    this.outstanding += 1;
    this.offer(task, false);
  }

  /** Puts a task that is still outstanding back, at the front (now) or at the back after `delayMs`. */
  retry(task: T, delayMs = 0): void {
    if (delayMs <= 0) return this.offer(task, true);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.offer(task, false);
    }, delayMs);
    this.timers.add(timer);
  }

  /** Marks a taken task as finished (committed or failed for good). */
  complete(): void {
    this.outstanding -= 1;
    this.checkFinished();
  }

  /** No more `push` calls will come. */
  closeInput(): void {
    this.inputClosed = true;
    this.checkFinished();
  }

  /** Stops handing out work (abort); pending takers get `undefined`. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.items.length = 0;
    for (const taker of this.takers.splice(0)) taker(undefined);
    for (const w of this.roomWaiters.splice(0)) w();
    this.resolveFinished();
  }

  /** The next task, or `undefined` once everything is finished (or stopped). */
  take(): Promise<T | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    const task = this.items.shift();
    if (task !== undefined) {
      this.wakeProducer();
      return Promise.resolve(task);
    }
    if (this.isFinished()) return Promise.resolve(undefined);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  /** Resolves when fewer than `highWater` tasks wait in the queue. */
  async waitForRoom(): Promise<void> {
    while (!this.stopped && this.items.length >= this.highWater) await new Promise<void>((r) => this.roomWaiters.push(r));
  }

  /** Resolves when all work is finished or the queue was stopped. */
  whenFinished(): Promise<void> {
    return this.finished;
  }

  /** True once input is closed and every task finished, or after `stop`. */
  get done(): boolean {
    return this.stopped || this.isFinished();
  }

  /** Tasks that are queued, running or waiting to be retried. */
  get pending(): number {
    return this.outstanding;
  }

  private offer(task: T, front: boolean): void {
    if (this.stopped) return;
    const taker = this.takers.shift();
    if (taker) return taker(task);
    if (front) this.items.unshift(task);
    else this.items.push(task);
  }

  private wakeProducer(): void {
    if (this.items.length < this.highWater) for (const w of this.roomWaiters.splice(0)) w();
  }

  private isFinished(): boolean {
    return this.inputClosed && this.outstanding === 0;
  }

  private checkFinished(): void {
    if (!this.isFinished()) return;
    for (const taker of this.takers.splice(0)) taker(undefined);
    this.resolveFinished();
  }
}
