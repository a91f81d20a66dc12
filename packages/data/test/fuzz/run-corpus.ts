/**
 * Runs every case of a corpus under both policies, one run at a time in a
 * worker thread with a per-run time limit (a hang or a crash is recorded, and
 * the next run gets a fresh worker), and judges each run.
 */
import { runIsolated } from '@ecamp/vitest-preset/isolated';
import type { OnBadSample } from '../../src/readers/bad-samples.js';
import { judge, type ResultRow } from './judge.js';
import type { FuzzCase, Observation, RunInput } from './types.js';

/** Options of {@link runCorpus}. */
export interface RunCorpusOptions {
  /** Time limit of each run (default 20 s: generous for a shared 2-core machine; runs take milliseconds). */
  timeoutMs?: number;
}

/** Runs and judges every case under `skip` and `fail`; rows in corpus order. */
export async function runCorpus(root: string, cases: FuzzCase[], options: RunCorpusOptions = {}): Promise<ResultRow[]> {
  const policies: OnBadSample[] = ['skip', 'fail'];
  const inputs: RunInput[] = cases.flatMap((c) => policies.map((policy) => ({ root, policy, op: c.op })));
  const runs = await runIsolated<RunInput, Observation>(inputs, {
    entry: new URL('./run-case.ts', import.meta.url).href,
    timeoutMs: options.timeoutMs ?? 20_000,
    execArgv: ['--conditions=source'],
  });
  return cases.map((c, k) => ({
    c,
    skip: judge(root, c, 'skip', runs[2 * k]),
    fail: judge(root, c, 'fail', runs[2 * k + 1]),
    ms: runs[2 * k].ms + runs[2 * k + 1].ms,
  }));
}
