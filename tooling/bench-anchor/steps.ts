/**
 * The small benchmarks' shared scaffolding: timing a step after a warm-up, and running a
 * PyTorch version of the same step written inline (a script that prints its median ms).
 */
import { spawnSync } from 'node:child_process';

/** Wall times of {@link timeSteps}. */
export interface StepTimes {
  /** The middle timed step (the upper one of the two middles for an even count). */
  medianMs: number;
  minMs: number;
  /** Every timed step (ms), fastest first. */
  stepsMs: number[];
}

/** Calls `step` once untimed (warm-up), then `reps` times timed with `performance.now()`. */
export function timeSteps(step: () => void, reps: number): StepTimes {
  step();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], minMs: times[0], stepsMs: times };
}

/** What {@link runInlineTorch} got: the script's number, or why there is none. */
export type InlineTorchOutcome = { ok: true; medianMs: number } | { ok: false; reason: string };

/**
 * Times a PyTorch step as {@link timeSteps} times ours: `script` is Python source that defines
 * `step()` (one training step, backward included); it runs with `/usr/bin/python3`
 * (`BENCH_PYTHON` overrides), `torch.set_num_threads(threads)` and `OMP_NUM_THREADS=threads`,
 * `step()` once as a warm-up and `reps` times timed, and the median is the middle timed step.
 * When it fails, the reason is the last line of its stderr (e.g. the torch import error).
 */
export function runInlineTorch(script: string, o: { threads: number; reps: number }): InlineTorchOutcome {
  const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
  const program = [
    'import time, torch',
    `torch.set_num_threads(${o.threads})`,
    script,
    'step()',
    'ts=[]',
    `for _ in range(${o.reps}):`,
    '    t0=time.perf_counter(); step(); ts.append((time.perf_counter()-t0)*1000)',
    'ts.sort(); print(ts[len(ts)//2])',
  ].join('\n');
  const r = spawnSync(python, ['-c', program], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(o.threads) } });
  if (r.status === 0) return { ok: true, medianMs: Number(r.stdout.trim()) };
  return { ok: false, reason: (r.stderr || r.error?.message || `no ${python} with torch`).trim().split('\n').pop()! };
}
