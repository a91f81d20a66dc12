/**
 * The pre-training loop: batches → inputs → weighted objectives → gradients
 * (accumulated over `optim.accumulate` micro-batches) → clipping → AdamW with
 * warm-up + cosine. Logs JSONL metrics, writes checkpoints (model + optimiser +
 * loader position) and pictures, and leaves no tensors behind.
 */
import {
  AdamW,
  GradientAccumulator,
  Rng,
  clipGradNorm,
  disposeGrads,
  loadCheckpoint,
  namedGradients,
  saveCheckpoint,
  tf,
  writeSafetensors,
  type NamedGrads,
} from '@ecamp/core';
import type { MlmTokenizer } from '@ecamp/mlm';
import { WindowSelector } from '@ecamp/superres';
import { saveTimmSafetensors } from '@ecamp/vision';
import { join } from 'node:path';
import { ConfigSchema, type Config } from '../config/schema.js';
import type { Logger } from '../run/logger.js';
import type { RunDir } from '../run/run-dir.js';
import type { PretrainBatchSource } from './batch-source.js';
import { RESUMABLE_FORMAT, pruneCheckpoints, removePicturesAfter, stepCheckpointName, sweepTempFiles, truncateMetrics } from './checkpoints.js';
import { EcampPretrainModel } from './model.js';
import { pictureExampleOf, writePretrainPicture, type PictureExample } from './pictures.js';
import { enabledObjectives, OBJECTIVE_NAMES } from './objectives/registry.js';
import { srWindowGeometry } from './objectives/superres.js';
import { learningRateAt, resolveSchedule } from './schedule.js';
import { pretrainLoss, type LossParts } from './step.js';
import { disposeInputs, toPretrainInputs, type TextBatchStats } from './tensors.js';

/** What a pre-training run did. */
export interface PretrainSummary {
  steps: number;
  skippedUpdates: number;
  firstLoss: LossParts;
  lastLoss: LossParts;
  msPerStep: number;
  imagesPerSecond: number;
  windows: { selected: number; fallbackNoEntity: number };
  skippedSamples: Record<string, number>;
  checkpoint: string;
  encoderCheckpoint: string;
  /**
   * The MAE (encoder and pixel decoder) in timm/MAE names and PyTorch layouts, written at the
   * end of the run: a `model.init` for further pre-training (as the authors start from MAE).
   */
  maeCheckpoint: string;
}

export interface PretrainOptions {
  config: Config;
  source: PretrainBatchSource;
  tokenizer?: MlmTokenizer;
  runDir: RunDir;
  log: Logger;
  /** Pre-training pairs behind `source` (needed when the run length is given in `optim.epochs`). */
  pairs?: number;
  /** Called after each optimiser step (pictures, tests). */
  onStep?: (step: number, model: EcampPretrainModel, parts: LossParts) => void;
  /**
   * Continue from this checkpoint (a `checkpoints/step-NNNNNN.safetensors` or the final
   * `pretrain.safetensors` of this loop): weights, AdamW moments and step, the schedule's
   * position, every RNG stream and the loader's position come back; `metrics.jsonl` and
   * `pictures/` lose what came after it.
   */
  resume?: string;
  /** When it aborts (Ctrl-C), the current step finishes, a checkpoint is written and {@link PretrainInterrupted} is thrown. */
  signal?: AbortSignal;
}

/** Thrown by {@link pretrain} when its signal aborted: the run stopped after `step` with a checkpoint at `checkpoint`. */
export class PretrainInterrupted extends Error {
  constructor(
    readonly step: number,
    readonly steps: number,
    readonly checkpoint: string,
  ) {
    super(`pre-training interrupted after step ${step} of ${steps}; checkpoint ${checkpoint}`);
    this.name = 'PretrainInterrupted';
  }
}

/** What a checkpoint carries so that the summary of a resumed run covers the whole run. */
interface RunProgress {
  skippedUpdates: number;
  firstLoss?: LossParts;
  lastLoss: LossParts;
  windows: { selected: number; fallbackNoEntity: number };
  /** Step times: the first step's, and the sum and count of the others. */
  firstMs?: number;
  restMs: number;
  restSteps: number;
}

function addCounts(a: RunProgress['windows'], b: RunProgress['windows']): RunProgress['windows'] {
  return { selected: a.selected + b.selected, fallbackNoEntity: a.fallbackNoEntity + b.fallbackNoEntity };
}

/** Top-level config fields that do not change what pre-training computes (a resume may change them). */
const RESUME_FREE = new Set(['name', 'outDir', 'backend', 'log', 'evaluate']);

let schemaDefaults: unknown;
/** Every field's default (the configuration of an empty file). */
function configDefaults(): unknown {
  return (schemaDefaults ??= JSON.parse(JSON.stringify(ConfigSchema.parse({}))));
}

/**
 * Dotted paths where two configs differ (outside {@link RESUME_FREE}), with both values. A field
 * the checkpoint lacks (added to the schema after it was written) counts as equal when it has
 * its default now: that default is what the checkpoint's run computed with.
 */
export function configDifferences(saved: unknown, current: unknown, path: string[] = [], defaults: unknown = configDefaults()): string[] {
  if (path.length === 1 && RESUME_FREE.has(path[0])) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(saved) && isObj(current)) {
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(current)])].sort();
    return keys.flatMap((k) => configDifferences(saved[k], current[k], [...path, k], isObj(defaults) ? defaults[k] : undefined));
  }
  if (JSON.stringify(saved) === JSON.stringify(current)) return [];
  if (saved === undefined && current !== undefined && JSON.stringify(current) === JSON.stringify(defaults)) return [];
  return [`${path.join('.')} (${JSON.stringify(saved) ?? 'unset'} in the checkpoint, ${JSON.stringify(current) ?? 'unset'} now)`];
}

function meanParts(all: LossParts[]): LossParts {
  const out: LossParts = { total: 0 };
  for (const key of [...OBJECTIVE_NAMES, 'total'] as const) {
    const vals = all.map((p) => p[key]).filter((v): v is number => v !== undefined);
    if (vals.length) out[key] = vals.reduce((a, b) => a + b, 0) / vals.length;
  }
  return out;
}

/** Runs pre-training; returns the trained model (caller disposes) and a summary. */
export async function pretrain(opts: PretrainOptions): Promise<{ model: EcampPretrainModel; summary: PretrainSummary }> {
  const { config, source, tokenizer, runDir, log } = opts;
  const rng = new Rng(config.seed);
  const maskRng = rng.fork('masking');
  const textRng = rng.fork('text');
  const schedule = resolveSchedule(config, opts.pairs);
  const steps = schedule.steps;
  const model = new EcampPretrainModel(config, tokenizer?.vocabSize ?? 1);
  model.train();
  if (config.model.init && !opts.resume) {
    const r = model.loadInit(config.model.init);
    log.info(
      `model.init: ${r.loaded.length} parameters from ${config.model.init}${r.missing.length ? `; ${r.missing.length} decoder parameters not in the file stay random` : ''}${r.unused.length ? `; ${r.unused.length} keys unused` : ''}`,
    );
  }
  const params = model.namedParameters();
  log.info(
    `model: ${(model.numParameters() / 1e6).toFixed(2)} M parameters in ${params.length} tensors; objectives ${enabledObjectives(config)
      .map((o) => o.name)
      .join(' + ')} (balance: ${config.objectives.balance})`,
  );
  log.info(`schedule: ${schedule.explanation}`);
  const optimizer = new AdamW(params, { lr: config.optim.lr, betas: config.optim.betas, weightDecay: config.optim.weightDecay });
  const lrAt = learningRateAt(config, schedule);
  // Windows are chosen for SR only (its geometry exists only where SR can run: a 14-cell grid).
  const selector = new WindowSelector(config.objectives.superres.enabled ? { geometry: srWindowGeometry(config) } : {});
  const accumulator = new GradientAccumulator();

  let firstLoss: LossParts | undefined;
  let lastLoss: LossParts = { total: Number.NaN };
  let skippedUpdates = 0;
  // Step times: the first one (start-up) apart from the steady ones.
  let firstMs: number | undefined;
  let restMs = 0;
  let restSteps = 0;
  // Window counts from before a resume (the selector counts this process only).
  let windowsBefore = { selected: 0, fallbackNoEntity: 0 };
  let pictureExample: PictureExample | undefined;
  const checkpointDir = runDir.path('checkpoints');
  const checkpoint = runDir.path('checkpoints', 'pretrain.safetensors');
  const encoderCheckpoint = runDir.path('checkpoints', 'encoder.safetensors');
  // Temp files of a write that was killed (ours or an earlier process's) are never checkpoints.
  sweepTempFiles(checkpointDir);
  sweepTempFiles(runDir.root);

  let startStep = 0;
  if (opts.resume) {
    try {
      const meta = loadCheckpoint(opts.resume, model, { optimizer });
      if (meta.resumable !== RESUMABLE_FORMAT) {
        throw new Error('it is not a resumable pre-training checkpoint (written before checkpoints held every RNG stream, or not by pre-training)');
      }
      const differences = configDifferences(JSON.parse(meta.config), JSON.parse(JSON.stringify(config)));
      if (differences.length) {
        throw new Error(`it was written with another configuration: ${differences.join('; ')}. Resume with the run's own (-c ${runDir.path('config.json')})`);
      }
      startStep = Number(meta.step);
      if (!Number.isInteger(startStep) || startStep < 0 || startStep > steps) throw new Error(`its step ${meta.step} is not within the run's ${steps} steps`);
      const rngs = JSON.parse(meta.rngs) as { rng: number[]; mask: number[]; text: number[] };
      rng.setState(rngs.rng);
      maskRng.setState(rngs.mask);
      textRng.setState(rngs.text);
      if (!source.restore) throw new Error('the batch source cannot be restored to a position');
      source.restore(JSON.parse(meta.loader));
      const p = JSON.parse(meta.progress) as RunProgress;
      ({ skippedUpdates, firstLoss, firstMs, restMs, restSteps } = p);
      lastLoss = p.lastLoss;
      windowsBefore = p.windows;
    } catch (e) {
      model.dispose();
      optimizer.dispose();
      accumulator.dispose();
      throw new Error(`resume: ${opts.resume}: ${(e as Error).message}`);
    }
    const dropped = truncateMetrics(runDir.path('metrics.jsonl'), startStep);
    const pictures = removePicturesAfter(runDir.path('pictures'), startStep);
    log.info(
      `resuming at step ${startStep} of ${steps} from ${opts.resume}${dropped ? `; dropped ${dropped} metrics lines after it` : ''}${pictures ? `, ${pictures} pictures` : ''}`,
    );
  } else {
    // A new run in this folder: what an earlier one left (its step files would outrank ours when pruning) goes.
    const checkpoints = pruneCheckpoints(checkpointDir, 0).length;
    const lines = truncateMetrics(runDir.path('metrics.jsonl'), 0);
    const pictures = removePicturesAfter(runDir.path('pictures'), 0);
    if (checkpoints + lines + pictures > 0) {
      log.warn(
        `starting at step 0 in ${runDir.root}: removed what an earlier run left there (${checkpoints} step checkpoints, ${lines} metrics lines, ${pictures} pictures); --resume continues a run instead`,
      );
    }
  }

  const progress = (): RunProgress => ({
    skippedUpdates,
    firstLoss,
    lastLoss,
    windows: addCounts(windowsBefore, selector.counts()),
    firstMs,
    restMs,
    restSteps,
  });
  const saveState = (path: string, step: number) =>
    saveCheckpoint(path, model, {
      optimizer,
      metadata: {
        resumable: RESUMABLE_FORMAT,
        step: String(step),
        loader: JSON.stringify(source.state()),
        rngs: JSON.stringify({ rng: rng.state(), mask: maskRng.state(), text: textRng.state() }),
        progress: JSON.stringify(progress()),
        config: JSON.stringify(config),
      },
    });
  /** A step checkpoint (the newest `log.keepCheckpoints` stay) and the encoder alone. */
  const saveStep = (step: number): string => {
    const path = join(checkpointDir, stepCheckpointName(step));
    saveState(path, step);
    pruneCheckpoints(checkpointDir, config.log.keepCheckpoints);
    saveEncoder(model, encoderCheckpoint, step);
    return path;
  };

  for (let step = startStep; step < steps; step++) {
    const t0 = performance.now();
    const microParts: LossParts[] = [];
    const picturesThisStep = (step + 1) % config.log.pictureEvery === 0 || step + 1 === steps;
    // With one micro-batch its gradients are the step's; the accumulator is only for several.
    let stepGrads: NamedGrads | undefined;
    let textStats: TextBatchStats | undefined;
    for (let micro = 0; micro < config.optim.accumulate; micro++) {
      const batch = await source.next();
      const { inputs, stats } = toPretrainInputs(batch, config, tokenizer, textRng);
      if (stats) {
        // Summed over the step's micro-batches.
        textStats ??= { contextInserted: 0, maskedTokens: 0, realTokens: 0, movedMass: 0 };
        for (const k of Object.keys(stats) as (keyof TextBatchStats)[]) textStats[k] += stats[k];
      }
      let parts: LossParts = { total: Number.NaN };
      let grads: NamedGrads | undefined;
      try {
        const result = namedGradients(params, () => {
          const pass = pretrainLoss(model, inputs, config, maskRng, selector);
          parts = pass.parts;
          if (micro === 0 && picturesThisStep) {
            // Remember an example of the batch for the pictures (its first, or its first with an entity word when the attention is drawn).
            pictureExample = pictureExampleOf(batch, pass.windows, config, tokenizer);
          }
          return pass.loss;
        });
        result.loss.dispose();
        grads = result.grads;
        if (config.optim.accumulate === 1) {
          stepGrads = grads;
          grads = undefined;
        } else {
          accumulator.add(grads);
        }
      } finally {
        if (grads) disposeGrads(grads);
        disposeInputs(inputs);
      }
      microParts.push(parts);
    }
    const mean = stepGrads ?? accumulator.mean();
    const lr = lrAt(step + 1);
    optimizer.setLr(lr);
    let report;
    if (config.optim.clipNorm !== undefined) {
      const clipped = clipGradNorm(mean, config.optim.clipNorm);
      // Log the norm before clipping: after it, it is the clip value whenever clipping acts.
      report = { ...optimizer.step(clipped.grads), gradNorm: clipped.norm };
      if (clipped.grads !== mean) disposeGrads(clipped.grads);
    } else {
      report = optimizer.step(mean);
    }
    disposeGrads(mean);
    if (!report.applied) {
      skippedUpdates++;
      log.warn(`step ${step + 1}: update skipped (${report.reason})`);
    }
    const parts = meanParts(microParts);
    firstLoss ??= parts;
    lastLoss = parts;
    const ms = performance.now() - t0;
    if (firstMs === undefined) firstMs = ms;
    else {
      restMs += ms;
      restSteps++;
    }
    runDir.appendMetrics({
      step: step + 1,
      lr,
      ...parts,
      gradNorm: report.gradNorm,
      applied: report.applied,
      ms,
      ...(textStats ?? {}),
      tensors: tf.memory().numTensors,
    });
    if ((step + 1) % config.log.every === 0 || step === 0 || step + 1 === steps) {
      const loss = Object.entries(parts)
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join('  ');
      log.progress(step + 1, steps, `${loss}  lr ${lr.toExponential(2)}  |g| ${report.gradNorm.toFixed(3)}  ${(ms / 1000).toFixed(2)} s/step`);
    }
    opts.onStep?.(step + 1, model, parts);
    if (pictureExample && picturesThisStep) {
      const path = runDir.path('pictures', `step-${String(step + 1).padStart(6, '0')}.png`);
      await writePretrainPicture(model, pictureExample, path);
    }
    const saved = (step + 1) % config.log.checkpointEvery === 0 && step + 1 !== steps ? saveStep(step + 1) : undefined;
    if (opts.signal?.aborted && step + 1 !== steps) {
      const path = saved ?? saveStep(step + 1);
      accumulator.dispose();
      optimizer.dispose();
      model.dispose();
      throw new PretrainInterrupted(step + 1, steps, path);
    }
  }
  accumulator.dispose();
  saveState(checkpoint, steps);
  saveEncoder(model, encoderCheckpoint, steps);
  const maeCheckpoint = runDir.path('checkpoints', 'mae-timm.safetensors');
  saveTimmSafetensors(model.mae, maeCheckpoint, { format: 'timm-mae', step: String(steps) });
  optimizer.dispose(); // its moments are in the checkpoint
  const msPerStep = restSteps > 1 ? restMs / restSteps : (restMs + (firstMs ?? 0)) / (restSteps + (firstMs === undefined ? 0 : 1));
  const all = progress();
  return {
    model,
    summary: {
      steps: steps,
      skippedUpdates,
      firstLoss: firstLoss ?? lastLoss,
      lastLoss,
      msPerStep,
      imagesPerSecond: (config.data.batchSize * config.optim.accumulate * 1000) / msPerStep,
      windows: all.windows,
      // This process's readers and loader (a resumed run counts a bad sample it meets again).
      skippedSamples: source.skipped(),
      checkpoint,
      encoderCheckpoint,
      maeCheckpoint,
    },
  };
}

/** Writes the encoder alone under timm names (what downstream tasks load). */
function saveEncoder(model: EcampPretrainModel, path: string, step: number): void {
  writeSafetensors(path, model.encoderState(), { format: 'ecamp-vit-encoder-1', preset: model.config.model.vit, step: String(step) });
}
