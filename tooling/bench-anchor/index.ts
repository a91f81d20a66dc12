/**
 * Runs the PyTorch performance anchor (`../shared/anchors/torch_ecamp_step.py`, beside the
 * repository) with the same shapes as our benchmark and parses its output contract:
 * `median ms/step=<ms>  min=…  images/s=<n>  achieved GFLOP/s=<n>` and a `load check` line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The anchor's flags, by their names (`batch`, `dim`, `decDim` → `--dec-dim`, `noSr` → `--no-sr`, …).
 * `true` passes a bare flag, `false`/`undefined` omits it. `threads` also sets OMP_NUM_THREADS.
 */
export type AnchorOptions = { threads: number } & Record<string, number | boolean | undefined>;

/** What the anchor reported. */
export interface AnchorResult {
  medianMs: number;
  minMs: number;
  imagesPerSecond: number;
  gflops?: number;
  /** The anchor's `load check …` line, verbatim. */
  loadCheck?: string;
  /** The anchor's first line (torch version, threads, params). */
  header?: string;
  /** The anchor's own CPU time per timed step (from the load check line), when the step count is known. */
  ownCpuMsPerStep?: number;
  /** Peak resident memory of the anchor process (MB), when measured. */
  peakRssMb?: number;
}

/** Why the anchor did not run, or its result. */
export type AnchorOutcome = { ok: true; result: AnchorResult } | { ok: false; reason: string };

/** Debian's python (a pyenv `python3` on PATH does not see Debian's torch); `BENCH_PYTHON` overrides. */
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

/** Absolute path of the anchor script (`<repo>/../shared/anchors/torch_ecamp_step.py`, or `BENCH_ANCHOR_SCRIPT`). */
export function anchorScriptPath(): string {
  if (process.env.BENCH_ANCHOR_SCRIPT) return resolve(process.env.BENCH_ANCHOR_SCRIPT);
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', '..', 'shared', 'anchors', 'torch_ecamp_step.py');
}

/** Parses the anchor's stdout; throws naming the missing line when the contract is not met. */
export function parseAnchorOutput(text: string): AnchorResult {
  const lines = text.split('\n');
  const medianLine = lines.find((l) => l.startsWith('median ms/step='));
  if (!medianLine) throw new Error('anchor output has no "median ms/step=" line');
  const num = (re: RegExp): number | undefined => {
    const m = re.exec(medianLine);
    return m ? Number(m[1]) : undefined;
  };
  const medianMs = num(/median ms\/step=([\d.]+)/);
  const minMs = num(/min=([\d.]+)/);
  const imagesPerSecond = num(/images\/s=([\d.]+)/);
  if (medianMs === undefined || minMs === undefined || imagesPerSecond === undefined) {
    throw new Error(`anchor median line is malformed: ${medianLine}`);
  }
  const loadCheck = lines.find((l) => l.startsWith('load check'));
  const ownCpu = loadCheck ? /own CPU=([\d.]+)s/.exec(loadCheck) : null;
  const stepLine = lines.find((l) => l.startsWith('step ms:'));
  const steps = stepLine ? stepLine.slice('step ms:'.length).trim().split(/\s+/).length : 0;
  return {
    medianMs,
    ownCpuMsPerStep: ownCpu && steps > 0 ? (Number(ownCpu[1]) * 1000) / steps : undefined,
    minMs,
    imagesPerSecond,
    gflops: num(/achieved GFLOP\/s=([\d.]+)/),
    loadCheck,
    header: lines.find((l) => l.startsWith('torch ')),
    peakRssMb: ((m) => (m ? Number(m[1]) : undefined))(/^peak RSS MB=([\d.]+)/m.exec(text)),
  };
}

/**
 * Python that runs the anchor script as `__main__` and prints its peak resident memory at exit
 * (`peak RSS MB=<n>`), so the benchmark can compare memory without changing the shared script.
 */
const PEAK_RSS_WRAPPER = [
  'import atexit, resource, runpy, sys',
  "atexit.register(lambda: print(f'peak RSS MB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}', flush=True))",
  'sys.argv = sys.argv[1:]',
  "runpy.run_path(sys.argv[0], run_name='__main__')",
].join('\n');

/** Turns {@link AnchorOptions} into command-line flags (`decDim: 128` → `--dec-dim 128`). */
export function anchorArgs(o: AnchorOptions): string[] {
  const args: string[] = [];
  for (const [key, value] of Object.entries(o)) {
    if (value === undefined || value === false) continue;
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (value === true) args.push(flag);
    else args.push(flag, String(value));
  }
  return args;
}

export { LoadCheck } from './load.js';
export { blasEnvironment, reportComparison, type OursMeasurement } from './report.js';
export { runInlineTorch, timeSteps, type InlineTorchOutcome, type StepTimes } from './steps.js';

/** Runs the anchor with `options` (e.g. `{ noSr: true, noMlm: true }` for the MAE step), or says why it cannot. */
export function runTorchAnchor(o: AnchorOptions): AnchorOutcome {
  const script = anchorScriptPath();
  if (!existsSync(script)) return { ok: false, reason: `anchor script not found at ${script}` };
  if (!existsSync(PYTHON)) return { ok: false, reason: `${PYTHON} not found` };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { ok: false, reason: `${PYTHON} cannot import torch (apt-get install python3-torch libopenblas0-openmp)` };
  const args = ['-c', PEAK_RSS_WRAPPER, script, ...anchorArgs(o)];
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(o.threads) } });
  if (run.status !== 0) return { ok: false, reason: `anchor exited with ${run.status}: ${(run.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` };
  try {
    return { ok: true, result: parseAnchorOutput(run.stdout) };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
