/**
 * One comparison block per benchmark: ours and the anchor, wall and CPU ratios, peak memory,
 * the backend and BLAS in use, and how busy the machine was on both sides.
 */
import type { AnchorOutcome } from './index.js';

/** What our side measured. */
export interface OursMeasurement {
  /** Median wall ms per step over the timed steps. */
  medianMs: number;
  minMs: number;
  /** Every timed step (ms). */
  stepsMs: number[];
  /** Median CPU ms per step of this process (all threads). */
  cpuMsPerStep: number;
  /** Peak resident memory of this process (MB). */
  peakRssMb: number;
  /** Our load-check line over the timed steps. */
  loadCheck: string;
}

/** The BLAS-relevant environment, printed so a figure can be reproduced (`OPENBLAS_CORETYPE=Haswell`). */
export function blasEnvironment(): string {
  const keys = ['OPENBLAS_CORETYPE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'ECAMP_NATIVE_THREADS'];
  const set = keys.filter((k) => process.env[k] !== undefined).map((k) => `${k}=${process.env[k]}`);
  return set.length ? set.join(' ') : 'no BLAS environment variables set';
}

const fmt = (x: number, d = 1) => x.toFixed(d);

/**
 * Prints the comparison. Returns the wall ratio (ours / PyTorch), or undefined without anchor.
 * @param title e.g. 'MAE step (batch 8)'
 * @param backendLine our `initBackend` line
 */
export function reportComparison(title: string, backendLine: string, ours: OursMeasurement, anchor: AnchorOutcome, anchorThreads: number): number | undefined {
  console.log(`== ${title} ==`);
  console.log(`ours: ${backendLine}  [${blasEnvironment()}]`);
  console.log(
    `ours: median ms/step=${fmt(ours.medianMs)}  min=${fmt(ours.minMs)}  CPU ms/step=${fmt(ours.cpuMsPerStep)}  peak RSS MB=${fmt(ours.peakRssMb, 0)}  (steps ${ours.stepsMs.map((t) => t.toFixed(0)).join(' ')})`,
  );
  console.log(`ours: ${ours.loadCheck}`);
  if (!anchor.ok) {
    console.log(`anchor: not run (${anchor.reason})`);
    return undefined;
  }
  const a = anchor.result;
  console.log(`anchor: ${a.header ?? 'PyTorch'} (OMP_NUM_THREADS=${anchorThreads})`);
  console.log(
    `anchor: median ms/step=${fmt(a.medianMs)}  min=${fmt(a.minMs)}  CPU ms/step=${a.ownCpuMsPerStep !== undefined ? fmt(a.ownCpuMsPerStep) : '?'}  peak RSS MB=${a.peakRssMb !== undefined ? fmt(a.peakRssMb, 0) : '?'}`,
  );
  if (a.loadCheck) console.log(`anchor: ${a.loadCheck}`);
  const wall = ours.medianMs / a.medianMs;
  const cpu = a.ownCpuMsPerStep !== undefined ? fmt(ours.cpuMsPerStep / a.ownCpuMsPerStep, 2) : '?';
  const rss = a.peakRssMb !== undefined ? fmt(ours.peakRssMb / a.peakRssMb, 2) : '?';
  console.log(`ratio ours/PyTorch: wall ${fmt(wall, 2)}  CPU ${cpu}  peak RSS ${rss}   (PyTorch ${anchorThreads} thread${anchorThreads > 1 ? 's' : ''})`);
  return wall;
}
