/**
 * The MAE stage before ECAMP pre-training (`model.warmStart`). The authors start
 * ECAMP from ImageNet MAE weights; without such a file (offline, or a model size
 * MAE never released) the MAE is pre-trained first on the run's own images, MIM
 * only. The stage is cached under `<outDir>/warm-start/<key>/` where the key
 * hashes everything its weights depend on, so runs that differ only after it
 * (other objectives, evaluation settings, names) share it.
 */
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { RunData } from './data.js';
import { syntheticSetDir } from './data.js';
import { latestCheckpoint } from '../pretrain/checkpoints.js';
import { withObjectives } from '../pretrain/objectives/registry.js';
import type { Logger } from './logger.js';
import { RunDir } from './run-dir.js';

/** A finished warm start. */
export interface WarmStart {
  /** The MAE in timm layout: the main run's `model.init`. */
  mae: string;
  /** The encoder alone (our layout), for evaluating the MAE stage by itself. */
  encoder: string;
  steps: number;
  /** Whether an earlier run's stage was reused. */
  reused: boolean;
}

/** The MIM-only configuration of the warm-start stage of `config`. */
export function warmStartConfig(config: Config): Config {
  const ws = config.model.warmStart;
  if (!ws) throw new Error('warmStartConfig: model.warmStart is not set');
  const mimOnly = withObjectives(config, ['mim']);
  const raw = JSON.parse(JSON.stringify({ ...mimOnly, objectives: { ...mimOnly.objectives, mim: { enabled: true, weight: 1 } } })) as Record<
    string,
    Record<string, unknown>
  >;
  delete raw.model.warmStart;
  raw.name = `${config.name}-warm-start` as never;
  const optim: Record<string, unknown> = { ...raw.optim, steps: ws.steps, lr: ws.lr, schedule: 'cosine', warmupSteps: ws.warmupSteps };
  delete optim.epochs;
  raw.optim = optim;
  return validateConfig(raw, `model.warmStart of ${config.name}`);
}

/** The cache key of a warm start: the stage's model, data, optimiser and seed. */
export function warmStartKey(config: Config): string {
  const c = warmStartConfig(config);
  const { model, optim, data, seed } = c;
  const relevant = {
    model: {
      vit: model.vit,
      encoder: model.encoder,
      imageSize: model.imageSize,
      patchSize: model.patchSize,
      maskRatio: model.maskRatio,
      normPixLoss: model.normPixLoss,
      decoder: model.decoder,
    },
    optim: {
      lr: optim.lr,
      minLr: optim.minLr,
      betas: optim.betas,
      weightDecay: optim.weightDecay,
      warmupSteps: optim.warmupSteps,
      steps: optim.steps,
      accumulate: optim.accumulate,
      clipNorm: optim.clipNorm,
    },
    balance: c.objectives.balance,
    data:
      data.source === 'synthetic'
        ? { synthetic: syntheticSetDir(c), batchSize: data.batchSize }
        : { csv: data.csv, imageRoot: data.imageRoot, batchSize: data.batchSize },
    seed,
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 12);
}

/**
 * Runs (or reuses) the warm-start stage of `config` on `data`. A stage that was stopped after a
 * checkpoint continues from it (the same weights as an uninterrupted stage); one stopped before
 * its first checkpoint starts over.
 * @param pretrainRun the trainer's pre-training entry (injected: it lives in the pipeline)
 * @param signal Ctrl-C: the stage stops after its current step with a checkpoint
 */
export async function ensureWarmStart(
  config: Config,
  data: RunData,
  log: Logger,
  pretrainRun: (
    c: Config,
    dir: RunDir,
    log: Logger,
    data: RunData,
    opts: { resume?: string; signal?: AbortSignal },
  ) => Promise<{ summary: { encoderCheckpoint: string; maeCheckpoint: string; steps: number } }>,
  signal?: AbortSignal,
): Promise<WarmStart> {
  const stage = warmStartConfig(config);
  const dir = resolve(config.outDir, 'warm-start', warmStartKey(config));
  const mae = join(dir, 'mae', 'checkpoints', 'mae-timm.safetensors');
  const encoder = join(dir, 'mae', 'checkpoints', 'encoder.safetensors');
  if (existsSync(join(dir, 'mae', 'pretrain-summary.json')) && existsSync(mae) && existsSync(encoder)) {
    log.info(`warm start: reusing the MAE stage in ${dir} (${stage.optim.steps} MIM steps)`);
    return { mae, encoder, steps: stage.optim.steps, reused: true };
  }
  const partial = latestCheckpoint(join(dir, 'mae', 'checkpoints'));
  if (partial) {
    log.info(`warm start: continuing the MAE stage in ${dir} at step ${partial.step} of ${stage.optim.steps} (${partial.path})`);
  } else {
    log.info(`warm start: pre-training the MAE first, MIM only, ${stage.optim.steps} steps (model.warmStart; the authors start from ImageNet MAE) → ${dir}`);
    rmSync(join(dir, 'mae'), { recursive: true, force: true }); // stopped before its first checkpoint: starts over
  }
  const runDir = new RunDir(dir, 'mae');
  runDir.writeJson('config.json', stage);
  const { summary } = await pretrainRun(stage, runDir, log, data, { resume: partial?.path, signal });
  return { mae: summary.maeCheckpoint, encoder: summary.encoderCheckpoint, steps: summary.steps, reused: false };
}
