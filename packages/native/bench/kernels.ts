/**
 * Kernel benchmark of the addon alone (no TF.js): OpenBLAS GEMM throughput on 1 and on every
 * thread at the tiny model's shapes and at 1024², and the pool's per-call overhead.
 *
 *   pnpm --filter @ecamp/native bench      (BENCH_REPS, default 20)
 *
 * The figures are per call of the addon, as the native backend's kernels make them. Measure on a
 * quiet machine; OPENBLAS_CORETYPE (printed) decides which OpenBLAS kernels run.
 */
import { cpus, loadavg } from 'node:os';
import { loadNativeAddon } from '../src/index.js';

const reps = Number(process.env.BENCH_REPS ?? 20);
const r = loadNativeAddon();
if (!r.ok) {
  console.log(`@ecamp/native bench: addon not loaded (${r.reason})`);
  process.exit(0);
}
const { addon } = r;
const maxThreads = r.info.maxThreads;
console.log(
  `# @ecamp/native kernels — ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, load ${loadavg()[0].toFixed(2)}, OpenBLAS ${r.info.blasCore}, OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? '(unset)'}`,
);

const heap = new ArrayBuffer(64 * 1024 * 1024);
new Float32Array(heap).forEach((_, i, a) => (a[i] = ((i * 2654435761) % 1000) / 1000 - 0.5));

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function time(f: () => void): number {
  f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

const shapes: Array<[string, number, number, number]> = [
  ['encoder MLP fc1 (400×192·192×768)', 400, 768, 192],
  ['decoder MLP fc1 (1576×128·128×512)', 1576, 512, 128],
  ['MLM head (1024×192·192×30000)', 1024, 30000, 192],
  ['square 1024³', 1024, 1024, 1024],
];
for (const threads of [...new Set([1, maxThreads])]) {
  addon.setThreads(threads);
  for (const [label, m, n, k] of shapes) {
    // A at 0, B after A, C after B (all fit in the 64 MB heap for these shapes).
    const aOff = 0;
    const bOff = 4 * m * k;
    const cOff = bOff + 4 * k * n;
    if (cOff + 4 * m * n > heap.byteLength) continue;
    const ms = time(() => addon.gemm(heap, 0, 0, 1, m, n, k, 1, aOff, 0, k, bOff, 0, n, 0, cOff, 0, n));
    console.log(`threads ${threads}  gemm ${label.padEnd(38)} ${ms.toFixed(3).padStart(8)} ms  ${((2 * m * n * k) / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s`);
  }
  // Pool overhead: a fill of 64k floats is split into tasks (≈ the cost of one parallel call).
  const us = time(() => addon.fill(heap, 65536, 0, 1)) * 1000;
  console.log(`threads ${threads}  fill 64k floats (one parallel call)          ${us.toFixed(1).padStart(8)} µs`);
}
addon.setThreads(maxThreads);
