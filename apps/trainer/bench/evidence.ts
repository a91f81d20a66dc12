/**
 * The evidence benchmark: does ECAMP pre-training make a better encoder, and
 * which component does what? Every row of `configs/evidence.json` (random init,
 * MIM only, + MLM, + re-balanced factor, + descriptor masking, + distilled
 * context, + SR centred, + SR attention window, full ECAMP with fusion) is
 * pre-trained with every seed, then scored by linear probe, fine-tuning,
 * segmentation and detection at 1 % and 10 % of the labels on 1,000 held-out
 * synthetic images. Writes `<outDir>/evidence/{table.md,results.json,chart.svg}`
 * and prints the table and the wall time. Resumable: rerun the same command
 * after a kill and only the unfinished cells run.
 *
 *   pnpm --filter @ecamp/trainer bench:evidence [-- --grid configs/evidence.json --only mim,full --tasks probe --seeds 0 --set optim.steps=100]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { presetDir } from '../src/config/load.js';
import { TASKS, readEvidenceGrid, type EvidenceTask } from '../src/evidence/grid.js';
import { runEvidence } from '../src/evidence/run.js';
import { createLogger } from '../src/run/logger.js';

const { values } = parseArgs({
  // `pnpm bench:evidence -- --only mim` hands the `--` on: drop it.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    grid: { type: 'string', default: join(presetDir, 'evidence.json') },
    only: { type: 'string' },
    tasks: { type: 'string' },
    seeds: { type: 'string' },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const started = performance.now();
const grid = readEvidenceGrid(values.grid!);
if (values.seeds) grid.seeds = values.seeds.split(',').map(Number);
const tasks = values.tasks?.split(',') as EvidenceTask[] | undefined;
const bad = tasks?.filter((t) => !(TASKS as readonly string[]).includes(t)) ?? [];
if (bad.length) throw new Error(`--tasks: unknown ${bad.join(', ')} (use ${TASKS.join(', ')})`);
const report = await runEvidence({ grid, gridPath: values.grid!, set: values.set, only: values.only?.split(','), tasks, log: createLogger('evidence') });
const minutes = (performance.now() - started) / 60000;
process.stdout.write(`${report.table}\n\nfiles: ${report.dir}/{table.md,results.json,chart.svg}\nwall time: ${minutes.toFixed(1)} min\n`);
