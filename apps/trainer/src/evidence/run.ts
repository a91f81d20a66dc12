/**
 * The evidence benchmark: for every row of the grid and every seed, pre-train
 * (or not, for the random-init row), then score the encoder with the four
 * downstream protocols at every label fraction on one held-out synthetic test
 * set; aggregate over seeds into a table, a JSON file and a chart.
 *
 * Resumable: every pre-training run and every (protocol, fraction) score of a
 * cell is written atomically as soon as it exists, and a rerun skips what is
 * already there — a killed run loses only the step it was in.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readBoxCsv, readClassificationList, readMaskCsv } from '@ecamp/data';
import { selectFraction } from '@ecamp/downstream';
import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { loadEncoder } from '../evaluate/classification.js';
import { encodeTokens, type TokenCache } from '../evaluate/cached-encoder.js';
import { loadMemorySet, subsetMemorySet, type MemoryRecord, type MemorySet } from '../evaluate/memory-set.js';
import { detection, fineTune, linearProbe, segmentation } from '../evaluate/tasks.js';
import { ensureSyntheticSet, prepareRunData } from '../run/data.js';
import type { Logger } from '../run/logger.js';
import { runPretrain, startBackend } from '../run/pipeline.js';
import { writeFileAtomic } from '@ecamp/io';
import { RunDir } from '../run/run-dir.js';
import { TASKS, epochsFor, type EvidenceGrid, type EvidenceRow, type EvidenceTask } from './grid.js';
import { aggregate, evidenceChartSvg, formatContrastTable, formatEvidenceTable, pairedContrasts, type Aggregate, type CellResult } from './report.js';

/** Options of {@link runEvidence}. */
export interface EvidenceOptions {
  grid: EvidenceGrid;
  /** Where the grid came from (for errors and the report). */
  gridPath: string;
  /** Extra overrides for every row (after the grid's). */
  set?: string[];
  /** Only these rows (names). */
  only?: string[];
  /** Only these protocols. */
  tasks?: EvidenceTask[];
  log: Logger;
}

/** What {@link runEvidence} wrote. */
export interface EvidenceReport {
  results: CellResult[];
  aggregates: Aggregate[];
  table: string;
  /** Markdown table of the paired differences (each row − the row above, and summary contrasts). */
  differences: string;
  /** Folder of the benchmark's files (`<outDir>/<grid file name>`). */
  dir: string;
  seconds: number;
}

/** The pre-training run folder of a cell. */
function cellRunDir(dir: string, row: string, seed: number): string {
  return join(dir, row, `seed${seed}`, 'pretrain', `${row}-seed${seed}`);
}

/**
 * The configuration of one cell (row × seed); with `dir`, a row that starts from another row's
 * MAE gets that cell's timm export as `model.init`.
 */
export function cellConfig(grid: EvidenceGrid, row: EvidenceRow, seed: number, extra: string[] = [], dir?: string): Config {
  const init = row.init && dir ? [`model.init=${JSON.stringify(join(cellRunDir(dir, row.init, seed), 'checkpoints', 'mae-timm.safetensors'))}`] : [];
  return loadConfig(grid.base, [...grid.set, ...extra, ...row.set, ...init, `seed=${seed}`, `name=${row.name}-seed${seed}`]);
}

/** Whether a stored cell's task settings are the grid's (a cell from before settings were stored never is). */
function sameSettings(stored: Record<string, unknown> | undefined, current: object): boolean {
  if (!stored) return false;
  const canonical = (o: object) => JSON.stringify(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  return canonical(stored) === canonical(current);
}

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined; // a torn file (killed mid-write is impossible with atomic writes, but a hand-edited one is) is redone
  }
}

/** The test set and every training subset the grid needs, loaded once. */
async function loadSets(base: Config, grid: EvidenceGrid, log: Logger) {
  const { dir, manifest } = await ensureSyntheticSet(base, log);
  const label = grid.tasks.segmentation.label;
  const maskCsv = manifest.paths.masks[label as keyof typeof manifest.paths.masks];
  if (!maskCsv)
    throw new ConfigError(`tasks.segmentation.label: the synthetic set has no masks for '${label}' (it has ${Object.keys(manifest.paths.masks).join(', ')})`);
  const records = (split: 'train' | 'test'): MemoryRecord[] => {
    const masks = new Map(readMaskCsv(join(dir, maskCsv[split])).map((r) => [r.imagePath, r.maskPath]));
    const boxes = new Map(readBoxCsv(join(dir, manifest.paths.boxes[split])).map((r) => [r.imagePath, r.boxes]));
    return readClassificationList(join(dir, manifest.paths.classification[split])).map((r) => ({
      imagePath: r.imagePath,
      labels: r.labels,
      maskPath: masks.get(r.imagePath),
      boxes: boxes.get(r.imagePath),
    }));
  };
  const trainAll = records('train');
  // Each seed draws its own subsets (the label-sampling noise is part of what the seeds measure).
  const subsets = new Map<string, string[]>();
  for (const seed of grid.seeds)
    for (const f of grid.fractions)
      subsets.set(
        `${seed}:${f}`,
        selectFraction(trainAll, f, seed).map((r) => r.imagePath),
      );
  const needed = new Set([...subsets.values()].flat());
  const t0 = performance.now();
  const trainPool = await loadMemorySet(trainAll.filter((r) => needed.has(r.imagePath)));
  const test = await loadMemorySet(records('test'));
  log.info(
    `evidence: ${test.count} test images and ${trainPool.count} training images (the union of every seed's ${grid.fractions.map((f) => `${f * 100} %`).join(' / ')} subsets) in memory in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  const row = new Map(trainPool.imagePaths.map((p, i) => [p, i]));
  const train = (seed: number, fraction: number): MemorySet =>
    subsetMemorySet(
      trainPool,
      subsets.get(`${seed}:${fraction}`)!.map((p) => row.get(p)!),
    );
  return { test, train, trainPool };
}

/**
 * Pre-trains one cell unless its encoder is already there; returns the encoder path. The
 * run folder is the cell's; the synthetic set stays the one under the configured `outDir`.
 */
async function pretrainCell(config: Config, dir: string, log: Logger): Promise<string> {
  const runRoot = join(dir, 'pretrain');
  const runDir = new RunDir(runRoot, config.name);
  const mae = runDir.path('checkpoints', 'mae-timm.safetensors');
  const encoder = runDir.path('checkpoints', 'encoder.safetensors');
  if (existsSync(runDir.path('pretrain-summary.json')) && existsSync(encoder) && existsSync(mae)) {
    log.info(`${config.name}: pre-training done earlier, reusing ${encoder}`);
    return encoder;
  }
  // An interrupted run starts over.
  rmSync(runDir.root, { recursive: true, force: true });
  const fresh = new RunDir(runRoot, config.name);
  fresh.writeJson('config.json', config);
  const t0 = performance.now();
  const { summary } = await runPretrain(config, fresh, log, await prepareRunData(config, log));
  log.info(
    `${config.name}: pre-trained ${summary.steps} steps in ${((performance.now() - t0) / 1000).toFixed(0)} s, final loss ${JSON.stringify(summary.lastLoss)}`,
  );
  return summary.encoderCheckpoint;
}

/** Runs (or resumes) the benchmark and writes `table.md`, `results.json` and `chart.svg`. */
export async function runEvidence(options: EvidenceOptions): Promise<EvidenceReport> {
  const { grid, log } = options;
  const started = performance.now();
  const extra = options.set ?? [];
  const rows = grid.rows.filter((r) => !options.only || options.only.includes(r.name));
  const unknown = (options.only ?? []).filter((n) => !grid.rows.some((r) => r.name === n));
  if (unknown.length) throw new ConfigError(`--only: no row named ${unknown.join(', ')} in ${options.gridPath}`);
  const tasks = options.tasks ?? [...TASKS];
  for (const r of rows) {
    if (r.init && !rows.some((x) => x.name === r.init)) throw new ConfigError(`--only: row '${r.name}' starts from row '${r.init}', which must run too`);
  }
  const first = cellConfig(grid, rows[0], grid.seeds[0], extra);
  const dir = resolve(first.outDir, basename(options.gridPath).replace(/\.json$/i, ''));
  // Validate every cell's configuration before the first hour is spent.
  const configs = new Map(rows.flatMap((r) => grid.seeds.map((s) => [`${r.name}:${s}`, cellConfig(grid, r, s, extra, dir)] as const)));
  const base = first;
  await startBackend(base, log);
  const sets = await loadSets(base, grid, log);
  const results: CellResult[] = [];
  let computed = 0; // scores this run computed (the rest of `results` were reused)

  for (const row of rows) {
    for (const seed of grid.seeds) {
      const config = configs.get(`${row.name}:${seed}`)!;
      const cellDir = join(dir, row.name, `seed${seed}`);
      const pending = tasks.flatMap((t) => grid.fractions.map((f) => ({ t, f, file: join(cellDir, `${t}-${f}.json`) })));
      // A cell is reused only when it was scored with the grid's current settings of its task.
      const done = pending.map((p) => readJson<CellResult>(p.file)).map((d) => (d && sameSettings(d.settings, grid.tasks[d.task]) ? d : undefined));
      done.forEach((d) => d && results.push(d));
      const todo = pending.filter((_, k) => !done[k]);
      // A row others start from is pre-trained even when its own scores are all there.
      const neededAsInit = rows.some((r) => r.init === row.name) && !existsSync(join(cellRunDir(dir, row.name, seed), 'checkpoints', 'mae-timm.safetensors'));
      if (todo.length === 0 && !neededAsInit) continue;
      log.info(
        `evidence: ${row.name} seed ${seed} (${row.label}): ${todo.length} of ${pending.length} scores to compute${row.init ? ` (starts from ${row.init})` : ''}`,
      );
      const encoderPath = row.pretrain ? await pretrainCell(config, cellDir, log) : undefined;
      const makeEncoder = () => loadEncoder(config, encoderPath);

      // Frozen protocols share one pass of the encoder over every image.
      let testCache: TokenCache | undefined;
      const frozen = makeEncoder();
      try {
        for (const p of todo) {
          const train = sets.train(seed, p.f);
          const t0 = performance.now();
          let value: number;
          let extraInfo: Record<string, unknown> = {};
          const s = grid.tasks[p.t];
          const settings = { ...s, epochs: epochsFor(s.steps, train.count, s.batchSize) };
          if (p.t === 'finetune') {
            const encoder = makeEncoder();
            try {
              const r = await fineTune(encoder, train, sets.test, settings, seed, grid.tasks.finetune.layerDecay);
              value = r.auroc;
              extraInfo = { perLabelAuroc: r.perLabelAuroc };
            } finally {
              encoder.dispose();
            }
          } else {
            testCache ??= encodeTokens(frozen, sets.test);
            const tr = { cache: encodeTokens(frozen, train), set: train };
            const te = { cache: testCache, set: sets.test };
            if (p.t === 'probe') {
              const r = await linearProbe(tr, te, settings, seed);
              value = r.auroc;
              extraInfo = { perLabelAuroc: r.perLabelAuroc, trainLoss: r.trainLoss };
            } else if (p.t === 'segmentation') {
              const r = await segmentation(tr, te, { ...settings, channels: grid.tasks.segmentation.channels }, seed);
              value = r.dice;
              extraInfo = { diceAllImages: r.diceAllImages, positiveImages: r.positiveImages };
            } else {
              value = (await detection(tr, te, { ...settings, channels: grid.tasks.detection.channels }, seed)).map;
            }
          }
          const result: CellResult = {
            row: row.name,
            seed,
            task: p.t,
            fraction: p.f,
            value,
            seconds: (performance.now() - t0) / 1000,
            extra: { trainImages: train.count, epochs: settings.epochs, ...extraInfo },
            settings: { ...s },
          };
          writeFileAtomic(p.file, `${JSON.stringify(result, null, 2)}\n`);
          results.push(result);
          computed++;
          log.info(`evidence: ${row.name} seed ${seed} ${p.t} @ ${p.f * 100} %: ${value.toFixed(4)} (${result.seconds.toFixed(0)} s)`);
        }
      } finally {
        frozen.dispose();
      }
      writeOutputs(
        dir,
        grid,
        rows,
        tasks,
        results,
        { seconds: (performance.now() - started) / 1000, computed, reused: results.length - computed },
        options.gridPath,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const reused = results.length - computed;
  const { aggregates, table, differences } = writeOutputs(dir, grid, rows, tasks, results, { seconds, computed, reused }, options.gridPath);
  return { results, aggregates, table, differences, dir, seconds };
}

/**
 * The contrasts of the table of differences: every row against the one above it (what that
 * component added), then the grid's extra `contrasts` (e.g. full ECAMP against the MIM control).
 */
export function evidenceContrasts(rows: readonly EvidenceRow[], extra: readonly (readonly [string, string])[] = []): { a: string; b: string; label: string }[] {
  const pairs = rows.slice(1).map((r, i) => ({ a: r.name, b: rows[i].name, label: `${r.label} − ${rows[i].name}` }));
  for (const [a, b] of extra) {
    if (rows.some((r) => r.name === a) && rows.some((r) => r.name === b)) pairs.push({ a, b, label: `${a} − ${b}` });
  }
  return pairs;
}

/** (Re)writes the table, JSON and chart from the results so far (after every row and seed, so a killed run leaves a current report). */
function writeOutputs(
  dir: string,
  grid: EvidenceGrid,
  rows: EvidenceRow[],
  tasks: EvidenceTask[],
  results: CellResult[],
  run: { seconds: number; computed: number; reused: number },
  gridPath: string,
) {
  const { seconds } = run;
  // Wall time is this run's: say how much of the table it computed.
  const wall = `wall time of this run ${(seconds / 60).toFixed(1)} min: ${run.computed} of ${run.computed + run.reused} scores computed${run.reused ? `, ${run.reused} reused from earlier runs (with the same settings)` : ''}.`;
  const aggregates = aggregate(
    results,
    rows.map((r) => r.name),
  );
  const table = formatEvidenceTable(aggregates, rows, tasks, grid.fractions);
  const pairs = evidenceContrasts(rows, grid.contrasts);
  const contrasts = pairedContrasts(
    results,
    pairs.map((p) => [p.a, p.b] as const),
  );
  const differences = formatContrastTable(contrasts, pairs, tasks, grid.fractions);
  const title = `ECAMP evidence (${grid.seeds.length} seeds; ${gridPath.split('/').pop()})`;
  writeFileAtomic(
    join(dir, 'table.md'),
    `# ${title}\n\n${table}\n\nmean ± sample standard deviation over seeds ${grid.seeds.join(', ')}.\n\n## Differences, paired by seed\n\n${differences}\n\nmean ± standard deviation of the per-seed differences (seeds where the first row scored higher / seeds). Rows of one seed share the label subset, the MAE start and the test images, so these are less noisy than the spreads above.\n\n${wall}\n`,
  );
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify({ grid, seconds, aggregates, contrasts, results }, null, 2)}\n`);
  writeFileAtomic(join(dir, 'chart.svg'), evidenceChartSvg(aggregates, rows, tasks, grid.fractions, title));
  return { aggregates, table, differences };
}
