/**
 * The data side of a run: the synthetic set (generated once per seed and size,
 * shared by every run and ablation under the same output folder), pre-training
 * records with their entity contexts, and the loader behind the trainer's
 * batch-source interface.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  BadSampleLog,
  Loader,
  defaultWorkers,
  readAuthorsCsv,
  readClassificationList,
  synthesizeDataset,
  type Batch,
  type LoaderPosition,
  type PretrainRecord,
  type SynthManifest,
} from '@ecamp/data';
import { RuleDistiller, renderContext } from '@ecamp/distill';
import { mapWindowThroughCrop } from '@ecamp/superres';
import type { Config } from '../config/schema.js';
import type { PretrainBatchSource, RawPretrainBatch } from '../pretrain/batch-source.js';
import { srWindowGeometry } from '../pretrain/objectives/superres.js';
import type { Logger } from './logger.js';

/** Where the data of a run lives. */
export interface RunData {
  /** Pre-training pairs. */
  records: PretrainRecord[];
  /** Classification lists for evaluation. */
  trainList: string;
  testList: string;
  /** Shared skip counter of readers and loaders (the run summary prints it). */
  badSamples: BadSampleLog;
  /** Label names, when known (synthetic set). */
  labelNames?: string[];
  /** Synthetic set folder, when synthetic. */
  syntheticDir?: string;
}

/**
 * The folder of the configured synthetic set under `<outDir>/data/`: seed and size in the
 * name, plus image side and split when they differ from the defaults (so the quick start's
 * `synthetic-seed0-n240` keeps its name).
 */
export function syntheticSetDir(config: Config): string {
  const { syntheticCount: n, syntheticSeed: seed, syntheticSize: px, syntheticSplit: split } = config.data;
  let name = `synthetic-seed${seed}-n${n}`;
  if (px !== 512) name += `-px${px}`;
  if (split.train !== 0.7 || split.val !== 0.1) name += `-split${Math.round(split.train * 100)}-${Math.round(split.val * 100)}`;
  return resolve(config.outDir, 'data', name);
}

/** Generates the synthetic set unless a complete one with the same options exists; returns its manifest and folder. */
export async function ensureSyntheticSet(config: Config, log: Logger): Promise<{ dir: string; manifest: SynthManifest }> {
  const { syntheticCount: n, syntheticSeed: seed, syntheticSize: size, syntheticSplit: split } = config.data;
  const dir = syntheticSetDir(config);
  const reused = existsSync(join(dir, 'manifest.json'));
  log.info(`synthetic set: ${n} chest radiographs with reports in ${dir}${reused ? ' (reused when complete and made with the same options)' : ''}`);
  const every = Math.max(1, Math.floor(n / 10));
  const manifest = await synthesizeDataset({
    seed,
    n,
    size,
    trainFraction: split.train,
    valFraction: split.val,
    outDir: dir,
    reuseExisting: true,
    workers: defaultWorkers(),
    onProgress: (done, total) => {
      if (done % every === 0 || done === total) log.progress(done, total, 'images');
    },
  });
  return { dir, manifest };
}

/** Resolves records and lists for the configured source, with contexts attached per `data.context`. */
export async function prepareRunData(config: Config, log: Logger): Promise<RunData> {
  const badSamples = new BadSampleLog(config.data.onBadSample);
  let records: PretrainRecord[];
  let trainList: string;
  let testList: string;
  let labelNames: string[] | undefined;
  let syntheticDir: string | undefined;
  if (config.data.source === 'synthetic') {
    const { dir, manifest } = await ensureSyntheticSet(config, log);
    syntheticDir = dir;
    labelNames = manifest.labelNames;
    trainList = join(dir, manifest.paths.classification.train);
    testList = join(dir, manifest.paths.classification.test);
    // Pre-train on the training split only: test images stay unseen until evaluation.
    const trainImages = new Set(readClassificationList(trainList, { badSamples }).map((r) => r.imagePath));
    records = readAuthorsCsv({ csvPath: join(dir, manifest.paths.reports), windowsCsvPath: join(dir, manifest.paths.windows), badSamples }).filter((r) =>
      trainImages.has(r.imagePath),
    );
  } else {
    records = readAuthorsCsv({ csvPath: config.data.csv!, imageRoot: config.data.imageRoot, windowsCsvPath: config.data.windowCsv, badSamples });
    trainList = config.evaluate.trainList!;
    testList = config.evaluate.testList!;
  }
  if (records.length === 0)
    throw new Error(`pretrain: no usable pre-training records${config.data.source === 'csv' ? ` in ${config.data.csv}` : ''} (${String(badSamples)})`);
  attachContexts(records, config, log);
  return { records, trainList, testList, badSamples, labelNames, syntheticDir };
}

/** Sets `record.context` per `data.context`: rule-based distillation, the CSV column, or none. */
export function attachContexts(records: PretrainRecord[], config: Config, log: Logger): void {
  if (config.data.context === 'none') {
    for (const r of records) r.context = undefined;
    return;
  }
  if (config.data.context === 'csv') {
    const missing = records.filter((r) => !r.context).length;
    if (missing) log.warn(`data.context is 'csv' but ${missing} of ${records.length} rows have an empty llm_output: they get no context`);
    return;
  }
  const distiller = new RuleDistiller();
  let withEntities = 0;
  for (const r of records) {
    const d = distiller.distill(r.report);
    r.context = renderContext(d) || undefined;
    if (r.context) withEntities++;
  }
  log.info(`context: rule-based distiller (offline, no LLM) gave ${withEntities} of ${records.length} reports an entity context`);
}

/**
 * One in-order pass over `records` at the model's resolution, un-augmented (whole image resized,
 * no crop, no flip) and keeping the last partial batch: how the offline-window pass and the
 * report's entity-attention pictures read the pre-training images.
 */
export function inOrderPass(records: PretrainRecord[], batchSize: number, config: Config, badSamples?: BadSampleLog): Loader {
  return new Loader({
    records,
    batchSize,
    seed: config.seed,
    size: config.model.imageSize,
    mode: 'downstream',
    shuffle: false,
    dropLast: false,
    epochs: 1,
    badSamples,
  });
}

/**
 * The data loader as the trainer's batch source: cycles epochs forever, maps
 * CSV windows through each sample's crop and flip.
 */
export class LoaderBatchSource implements PretrainBatchSource {
  private loader: Loader;
  private iterator: AsyncIterator<Batch>;
  private position: unknown = null;
  private started = false;

  constructor(
    private readonly records: PretrainRecord[],
    private readonly config: Config,
    private readonly badSamples: BadSampleLog,
  ) {
    this.loader = this.makeLoader();
    this.iterator = this.loader[Symbol.asyncIterator]();
  }

  private makeLoader(position?: LoaderPosition): Loader {
    const { records, config, badSamples } = this;
    return new Loader({
      records,
      batchSize: config.data.batchSize,
      seed: config.seed,
      size: 448,
      mode: 'pretrain',
      onBadSample: config.data.onBadSample,
      badSamples,
      position,
    });
  }

  /** Starts over at a saved position (the loader checks it against the records and seed). */
  restore(state: unknown): void {
    if (this.started) throw new Error('LoaderBatchSource.restore: batches were already read');
    this.loader = this.makeLoader(state as LoaderPosition);
    this.iterator = this.loader[Symbol.asyncIterator]();
  }

  async next(): Promise<RawPretrainBatch> {
    this.started = true;
    const r = await this.iterator.next();
    if (r.done) throw new Error('loader: ran out of batches (it should cycle epochs)');
    const b = r.value;
    this.position = b.position;
    return {
      view448: b.images,
      size: b.size,
      ids: b.ids,
      reports: b.reports,
      contexts: b.contexts,
      // SR's windows (unused, and without a geometry on small images, when SR is off).
      windows: this.config.objectives.superres.enabled
        ? b.windows?.map((w, n) => mapWindowThroughCrop(w, b.geometry[n], srWindowGeometry(this.config)).window)
        : undefined,
    };
  }

  state(): unknown {
    return this.position ?? this.loader.position;
  }

  skipped(): Record<string, number> {
    return this.loader.badSamples.summary() as Record<string, number>;
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}
