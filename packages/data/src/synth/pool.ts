/**
 * Synthetic samples in index order, rendered on worker threads when asked
 * (`workers` > 1) and possible, else in this thread. Results are identical
 * either way: every sample depends only on `(seed, index)`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { synthesizeSample, type SynthSample } from './sample.js';

const fromSources = import.meta.url.endsWith('.ts');

/** URL of tsx's ESM register API when running from TypeScript sources and tsx is installed, else null. */
function tsxApiUrl(): string | null {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return null;
  }
}

/**
 * Whether worker threads can load the worker module: always from the built
 * `.js`; from TypeScript sources when tsx can be registered in the worker.
 */
export function workersAvailable(): boolean {
  return !fromSources || tsxApiUrl() !== null;
}

function makeWorker(): Worker {
  if (!fromSources) return new Worker(new URL('./worker.js', import.meta.url));
  // From sources: register tsx's loader inside the worker, then load the TypeScript entry.
  const code =
    "const { workerData } = require('node:worker_threads');" + 'import(workerData.tsxApi).then((m) => { m.register(); return import(workerData.entry); });';
  return new Worker(code, { eval: true, workerData: { tsxApi: tsxApiUrl(), entry: new URL('./worker.ts', import.meta.url).href } });
}

/**
 * Default worker count: one per core, at most 4. The main thread only collects samples and
 * hands PNG encoding to sharp, so it needs no core of its own (on 2 cores, 2 workers render
 * the set in about half the time of 1).
 */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Yields samples 0..n−1 of `seed` in order. */
export async function* samplesInOrder(seed: number, n: number, size: number, workers = 1): AsyncGenerator<SynthSample> {
  if (workers <= 1 || n < 2 || !workersAvailable()) {
    for (let i = 0; i < n; i++) yield synthesizeSample(seed, i, { size });
    return;
  }
  const pool = Array.from({ length: Math.min(workers, n) }, makeWorker);
  const pending = new Map<number, { resolve: (s: SynthSample) => void; reject: (e: Error) => void }>();
  const results = new Map<number, Promise<SynthSample>>();
  let failure: Error | null = null;
  const failAll = (err: Error) => {
    failure = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  for (const w of pool) {
    w.on('message', (m: { index: number; sample?: SynthSample; error?: string }) => {
      const p = pending.get(m.index);
      if (!p) return;
      pending.delete(m.index);
      if (m.error) p.reject(new Error(`synthetic sample ${m.index}: ${m.error}`));
      else p.resolve(m.sample!);
    });
    w.on('error', (err) => failAll(err instanceof Error ? err : new Error(String(err))));
  }
  let requested = 0;
  const request = () => {
    const index = requested++;
    results.set(
      index,
      new Promise<SynthSample>((resolve, reject) => {
        if (failure) return reject(failure);
        pending.set(index, { resolve, reject });
        pool[index % pool.length].postMessage({ seed, index, size });
      }),
    );
  };
  try {
    for (let i = 0; i < n; i++) {
      // Keep two samples per worker in flight: bounded memory, workers never idle.
      while (requested < n && requested < i + 2 * pool.length) request();
      const s = await results.get(i)!;
      results.delete(i);
      yield s;
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
