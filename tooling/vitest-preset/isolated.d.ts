/** What became of one case run by {@link runIsolated}. */
export type IsolatedOutcome<R> =
  | { status: 'ok'; value: R; ms: number }
  | { status: 'threw'; error: { name: string; message: string }; ms: number }
  | { status: 'timeout'; ms: number }
  | { status: 'crashed'; error: { name: string; message: string }; ms: number };

/** Options of {@link runIsolated}. */
export interface IsolatedOptions {
  /** File URL of a module exporting `runCase(input)` (TypeScript entries are loaded through tsx). */
  entry: string;
  /** Time limit of each case, in ms; a case over it is recorded as `timeout` and its worker replaced. */
  timeoutMs: number;
  /** Node options of the worker, e.g. `['--conditions=source']`. */
  execArgv?: string[];
  /** Heap limit of the worker (default 1024 MB): a case over it is recorded as `crashed`. */
  maxOldGenerationSizeMb?: number;
  /** Time allowed for the worker to load the entry (default 120 s). */
  bootTimeoutMs?: number;
}

/** Runs `runCase(input)` for every input, one at a time, in a worker thread, each under `timeoutMs`. */
export declare function runIsolated<I, R>(inputs: I[], options: IsolatedOptions): Promise<IsolatedOutcome<R>[]>;
