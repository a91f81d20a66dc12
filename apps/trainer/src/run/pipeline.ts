/**
 * The stages of a run, each usable alone by its command: tokenizer, pre-training,
 * evaluation; `runAll` chains them (the README's main job) and writes the summary.
 */
import { existsSync, readFileSync } from 'node:fs';
import { initBackend, type BackendInfo } from '@ecamp/core';
import { loadTokenizer, saveTokenizer, trainWordPiece, type MlmTokenizer } from '@ecamp/mlm';
import type { Config } from '../config/schema.js';
import { pairedBootstrapAurocDifferenceOverDraws, type BootstrapInterval } from '@ecamp/downstream';
import { evaluateClassifier, loadEncoder, type ClassificationPredictions, type ClassificationScores } from '../evaluate/classification.js';
import type { LossParts } from '../pretrain/step.js';
import { latestCheckpoint, truncateMetrics, removePicturesAfter } from '../pretrain/checkpoints.js';
import { pretrain, type PretrainSummary } from '../pretrain/train.js';
import { readClassificationList } from '@ecamp/data';
import { LoaderBatchSource, prepareRunData, type RunData } from './data.js';
import type { Logger } from './logger.js';
import { RunDir } from './run-dir.js';
import { ensureWarmStart, type WarmStart } from './warm-start.js';

/** Starts the configured backend and records it in the log. */
export async function startBackend(config: Config, log: Logger): Promise<BackendInfo> {
  const info = await initBackend({ backend: config.backend, quiet: true });
  log.info(`backend: ${JSON.stringify(info)}`);
  return info;
}

/**
 * The configured tokenizer, or a WordPiece vocabulary trained on the run's reports (saved in the
 * run folder; with `reuseSaved`, as when resuming, the saved one is read back).
 */
export function prepareTokenizer(config: Config, data: RunData, runDir: RunDir, log: Logger, reuseSaved = false): MlmTokenizer | undefined {
  if (!config.objectives.mlm.enabled) return undefined;
  const maxLength = config.model.text.maxLength;
  if (reuseSaved && !config.tokenizer.path && existsSync(runDir.path('tokenizer.json'))) {
    const tok = loadTokenizer(runDir.path('tokenizer.json'), { maxLength });
    log.info(`tokenizer: the run's own ${runDir.path('tokenizer.json')} (${tok.vocabSize} ids)`);
    return tok;
  }
  if (config.tokenizer.path) {
    if (!existsSync(config.tokenizer.path)) {
      throw new Error(
        `tokenizer.path: file not found: ${config.tokenizer.path} (the paper preset expects the authors' mimic_wordpiece.json, from their repository's Pre-training/dataset/, in the working folder; or set tokenizer.path)`,
      );
    }
    const tok = loadTokenizer(config.tokenizer.path, { maxLength });
    log.info(`tokenizer: ${config.tokenizer.path} (${tok.vocabSize} ids)`);
    return tok;
  }
  const corpus = data.records.flatMap((r) => (r.context ? [r.report, r.context] : [r.report]));
  const json = trainWordPiece(corpus, { vocabSize: config.tokenizer.vocabSize, minFrequency: 1 });
  const path = runDir.path('tokenizer.json');
  saveTokenizer(path, json);
  const tok = loadTokenizer(json, { maxLength });
  log.info(`tokenizer: WordPiece trained on ${corpus.length} texts → ${tok.vocabSize} ids, saved to ${path}`);
  return tok;
}

/** How {@link runPretrain} starts. */
export interface PretrainRunOptions {
  /**
   * `latest`: continue from the run folder's newest checkpoint (from step 0 when it has none;
   * a finished pre-training is not redone); a path: from that checkpoint.
   */
  resume?: string;
  /** Ctrl-C: the loop finishes its step, writes a checkpoint and throws `PretrainInterrupted`. */
  signal?: AbortSignal;
}

/**
 * Pre-trains and returns the summary (the model is freed; weights are in the run folder).
 * With `model.warmStart` the MAE stage runs (or is reused, or resumed) first and pre-training starts from it.
 */
export async function runPretrain(
  config: Config,
  runDir: RunDir,
  log: Logger,
  data?: RunData,
  opts: PretrainRunOptions = {},
): Promise<{ summary: PretrainSummary; data: RunData; warmStart?: WarmStart }> {
  let resume = opts.resume;
  if (resume === 'latest') {
    const found = latestCheckpoint(runDir.path('checkpoints'), (path, why) => log.warn(`resume: skipping ${path}: ${why}`));
    const summaryPath = runDir.path('pretrain-summary.json');
    if (found && found.path === runDir.path('checkpoints', 'pretrain.safetensors') && existsSync(summaryPath)) {
      const saved = JSON.parse(readFileSync(summaryPath, 'utf8')) as PretrainSummary & { warmStart?: WarmStart };
      log.info(`resume: pre-training already finished (${found.step} steps, ${found.path}); not redone`);
      const { warmStart, ...summary } = saved;
      return { summary, data: data ?? (await prepareRunData(config, log)), warmStart };
    }
    if (!found) {
      log.info(`resume: no checkpoint in ${runDir.path('checkpoints')} yet; pre-training starts at step 0`);
      truncateMetrics(runDir.path('metrics.jsonl'), 0);
      removePicturesAfter(runDir.path('pictures'), 0);
    }
    resume = found?.path;
  }
  data ??= await prepareRunData(config, log);
  let warmStart: WarmStart | undefined;
  if (config.model.warmStart) {
    warmStart = await ensureWarmStart(config, data, log, runPretrain, opts.signal);
    config = { ...config, model: { ...config.model, init: warmStart.mae } };
  }
  const tokenizer = prepareTokenizer(config, data, runDir, log, resume !== undefined);
  const source = new LoaderBatchSource(data.records, config, data.badSamples);
  log.info(`pre-training on ${data.records.length} image–report pairs, batch ${config.data.batchSize} × ${config.optim.accumulate}`);
  try {
    const { model, summary } = await pretrain({ config, source, tokenizer, runDir, log, pairs: data.records.length, resume, signal: opts.signal });
    model.dispose();
    runDir.writeJson('pretrain-summary.json', warmStart ? { ...summary, warmStart } : summary);
    return { summary, data, warmStart };
  } finally {
    await source.close();
  }
}

/** What {@link runEvaluate} reports: each encoder's scores and the paired differences. */
export interface EvaluationReport {
  results: ClassificationScores[];
  /** Pre-trained minus scratch mean AUROC on the same test images, with a paired bootstrap interval. */
  difference?: BootstrapInterval;
  /** Pre-trained minus the warm-start (MAE stage) encoder: what the ECAMP stage added. */
  warmStartDifference?: BootstrapInterval;
}

/**
 * Evaluates the encoder at `encoderPath`, the warm-start encoder when given, and a scratch
 * encoder when configured.
 */
export async function runEvaluate(
  config: Config,
  runDir: RunDir,
  log: Logger,
  encoderPath: string,
  data?: RunData,
  warmStartEncoder?: string,
): Promise<EvaluationReport> {
  if (!existsSync(encoderPath)) throw new Error(`evaluate: encoder weights not found: ${encoderPath}`);
  data ??= await prepareRunData(config, log);
  const { badSamples } = data;
  const lists = { train: readClassificationList(data.trainList, { badSamples }), test: readClassificationList(data.testList, { badSamples }) };
  const { trainFraction, draws } = config.evaluate;
  const subset =
    trainFraction < 1
      ? `${trainFraction * 100} % of the ${lists.train.length} training images${draws > 1 ? `, ${draws} label draws (means over draws)` : ''}`
      : `all ${lists.train.length} training images`;
  log.info(`evaluation: ${config.evaluate.protocol} on ${subset}; AUROC on ${lists.test.length} test images`);
  const results: ClassificationScores[] = [];
  const predictions: ClassificationPredictions[] = [];
  const kinds: ClassificationScores['encoder'][] = [
    'pretrained',
    ...(warmStartEncoder ? (['warm-start'] as const) : []),
    ...(config.evaluate.compareWithScratch ? (['scratch'] as const) : []),
  ];
  const paths = { pretrained: encoderPath, 'warm-start': warmStartEncoder, scratch: undefined };
  for (const kind of kinds) {
    const vit = loadEncoder(config, paths[kind]);
    try {
      const { scores, predictions: p } = await evaluateClassifier(config, kind, vit, lists, data.badSamples, log);
      log.info(`${kind} encoder: mean AUROC ${scores.auroc.toFixed(4)} (${fmtInterval(scores.aurocInterval)}), accuracy ${scores.accuracy.toFixed(4)}`);
      results.push(scores);
      predictions.push(p);
    } finally {
      vit.dispose();
    }
  }
  const versus = (kind: ClassificationScores['encoder']): BootstrapInterval | undefined => {
    const k = kinds.indexOf(kind);
    if (k < 0) return undefined;
    const [pre, other] = [predictions[0], predictions[k]];
    // Paired by test image and by label draw (draw k of both encoders trained on the same subset).
    return pairedBootstrapAurocDifferenceOverDraws(pre.draws, other.draws, pre.targets, pre.numLabels, {
      resamples: config.evaluate.bootstrap,
      seed: config.seed,
    });
  };
  const report: EvaluationReport = { results, difference: versus('scratch'), warmStartDifference: versus('warm-start') };
  runDir.writeJson('evaluation.json', report);
  return report;
}

/** The full job: data → pre-training → evaluation → `summary.json` and a printed table. */
export async function runAll(
  config: Config,
  log: Logger,
  opts: PretrainRunOptions & { /** Called when pre-training is done (before evaluation). */ afterPretrain?: () => void } = {},
): Promise<{ pretrain: PretrainSummary; evaluation: EvaluationReport; runDir: RunDir }> {
  const runDir = new RunDir(config.outDir, config.name);
  runDir.writeJson('config.json', config);
  const backend = await startBackend(config, log);
  const started = performance.now();
  const { summary, data, warmStart } = await runPretrain(config, runDir, log, undefined, opts);
  opts.afterPretrain?.();
  const evaluation = await runEvaluate(config, runDir, log, summary.encoderCheckpoint, data, warmStart?.encoder);
  const seconds = (performance.now() - started) / 1000;
  runDir.writeJson('summary.json', { config: config.name, backend, seconds, pretrain: summary, evaluation, skippedSamples: data.badSamples.summary() });
  return { pretrain: summary, evaluation, runDir };
}

/** `0.61–0.68` (95 % interval) */
function fmtInterval(i: BootstrapInterval, signed = false): string {
  const f = (v: number) => (signed && v >= 0 ? '+' : '') + v.toFixed(3);
  return `${Math.round(i.level * 100)} % interval ${f(i.low)} … ${f(i.high)}`;
}

/**
 * A small human-readable table of a run, ending with the pre-trained − scratch
 * difference and what its interval says.
 */
export function formatRunSummary(pre: PretrainSummary, evaluation: EvaluationReport, labelNames?: string[]): string {
  const { results, difference } = evaluation;
  const lines = [
    `pre-training: ${pre.steps} steps, ${pre.msPerStep.toFixed(0)} ms/step (${pre.imagesPerSecond.toFixed(1)} images/s)`,
    `  loss ${fmtParts(pre.firstLoss)}  →  ${fmtParts(pre.lastLoss)}`,
    `  SR windows: ${pre.windows.selected} from entity attention, ${pre.windows.fallbackNoEntity} centred (no entity)`,
    `  skipped updates: ${pre.skippedUpdates}; skipped samples: ${JSON.stringify(pre.skippedSamples)}`,
    `evaluation (${results[0]?.protocol ?? '-'}, mean AUROC over labels on the test split):`,
  ];
  for (const e of results) {
    const drawn = e.draws && e.draws > 1 ? `, mean over ${e.draws} label draws: ${e.drawAuroc!.map((a) => a.toFixed(3)).join(' ')}` : '';
    lines.push(
      `  ${e.encoder.padEnd(10)} AUROC ${e.auroc.toFixed(4)} (${fmtInterval(e.aurocInterval)})  accuracy ${e.accuracy.toFixed(4)}  (${e.trainImages} train / ${e.testImages} test images${drawn})`,
    );
    if (labelNames) {
      lines.push(`    ${labelNames.map((n, i) => `${n} ${Number.isNaN(e.perLabelAuroc[i]) ? '-' : e.perLabelAuroc[i].toFixed(2)}`).join('  ')}`);
    }
  }
  const verdictLine = (what: string, d: BootstrapInterval, helped: string, hurt: string) => {
    const verdict =
      d.low > 0
        ? `${helped}: the whole interval is above 0`
        : d.high < 0
          ? `${hurt}: the whole interval is below 0`
          : 'no difference shown: the interval contains 0';
    const over =
      (results[0]?.draws ?? 1) > 1 ? `mean over ${results[0].draws} label draws, paired bootstrap over test images` : 'paired bootstrap over test images';
    lines.push(`  ${what}: ${d.estimate >= 0 ? '+' : ''}${d.estimate.toFixed(4)} (${over}, ${fmtInterval(d, true)}) — ${verdict}`);
  };
  if (difference) verdictLine('pre-trained − scratch', difference, 'pre-training helped', 'pre-training hurt');
  if (evaluation.warmStartDifference)
    verdictLine('pre-trained − warm start (what the ECAMP stage added)', evaluation.warmStartDifference, 'the ECAMP stage helped', 'the ECAMP stage hurt');
  return lines.join('\n');
}

function fmtParts(p: LossParts): string {
  return Object.entries(p)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${v!.toFixed(4)}`)
    .join(', ');
}
