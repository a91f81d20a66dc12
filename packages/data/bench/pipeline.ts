/**
 * Benchmark: images/s of the pre-training pipeline at 448 (decode PNG →
 * random-resized crop → bicubic resize → flip → normalise into the batch
 * buffer), through the Loader exactly as the trainer uses it.
 *
 *   pnpm --filter @ecamp/data bench          (or: node --conditions=source --import tsx bench/pipeline.ts)
 *
 * Env: BENCH_IMAGES (default 192 images timed), BENCH_BATCH (8), BENCH_SIZE (512, source image side).
 * The MAE step consumes about 8 images per 1–2 s, so the bar is ≥ 40 images/s (5×).
 */
import { existsSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Loader } from '../src/loader/loader.js';
import { readAuthorsCsv } from '../src/readers/authors-csv.js';
import { synthesizeDataset } from '../src/synth/dataset.js';

const TIMED = Number(process.env.BENCH_IMAGES ?? 192);
const BATCH = Number(process.env.BENCH_BATCH ?? 8);
const SRC = Number(process.env.BENCH_SIZE ?? 512);
const N_SET = 64;
const BAR = 40;

async function main(): Promise<void> {
  const dir = join(tmpdir(), `ecamp-bench-synth-${N_SET}-${SRC}`);
  if (!existsSync(join(dir, 'manifest.json'))) {
    const t0 = performance.now();
    await synthesizeDataset({ seed: 0, n: N_SET, size: SRC, outDir: dir, maskLabels: [] });
    console.log(`generated ${N_SET} synthetic images (${SRC}px) in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${dir}`);
  }
  const records = readAuthorsCsv({ csvPath: join(dir, 'reports.csv'), windowsCsvPath: join(dir, 'windows.csv') });
  console.log(
    `machine: ${cpus().length} CPUs, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}, sharp concurrency ${sharp.concurrency()}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
  );

  const run = async (label: string, lookahead: number) => {
    const loader = new Loader({ records, batchSize: BATCH, seed: 1, size: 448, lookahead });
    let seen = 0;
    let warm = false;
    let t0 = 0;
    let c0 = process.cpuUsage();
    for await (const b of loader) {
      if (!warm) {
        // First batch warms up sharp and the JIT; time from here.
        warm = true;
        t0 = performance.now();
        c0 = process.cpuUsage();
        continue;
      }
      seen += b.size;
      if (seen >= TIMED) break;
    }
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    // CPU time of the whole process (main thread + sharp's pool): what each image costs whatever the machine's load.
    const cpuMs = (cpu.user + cpu.system) / 1000 / seen;
    const rate = seen / secs;
    console.log(
      `${label}: ${rate.toFixed(1)} images/s (${seen} images in ${secs.toFixed(2)} s, batch ${BATCH}, lookahead ${lookahead}); ` +
        `${cpuMs.toFixed(1)} CPU-ms/image → ${((1000 / cpuMs) * cpus().length).toFixed(0)} images/s if all ${cpus().length} cores were free`,
    );
    return { rate, cpuMs };
  };
  await run('sequential (lookahead 1)', 1);
  const { rate, cpuMs } = await run('prefetching loader', 2 * BATCH);
  const verdict = rate >= BAR ? 'meets' : 'BELOW';
  console.log(
    `pre-training pipeline @448: ${rate.toFixed(1)} images/s — ${verdict} the ${BAR} images/s bar (5× the MAE step's ~8 images/s) at load ${loadavg()[0].toFixed(1)}`,
  );
  console.log(
    JSON.stringify({
      bench: 'data/pipeline',
      imagesPerSecond: Number(rate.toFixed(1)),
      cpuMsPerImage: Number(cpuMs.toFixed(1)),
      bar: BAR,
      batch: BATCH,
      sourceSize: SRC,
      load1: loadavg()[0],
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
