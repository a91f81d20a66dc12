/**
 * `ecamp finetune` options: the flags, their defaults per task (the authors' recipe), and
 * validation that names the flag. Kept apart from the run configuration schema: fine-tuning
 * reads an encoder file and a user's data, not a pre-training config.
 */
import type { ParseArgsConfig } from 'node:util';

/** The three downstream tasks. */
export type FinetuneTask = 'classification' | 'segmentation' | 'detection';
/**
 * `finetune`: encoder and head train. `linear-probe` (classification): frozen encoder, MAE's
 * probe head (fc_norm → training-set standardisation → linear). `frozen`: frozen encoder, the
 * task's full head (classification: fc_norm → linear; segmentation: the decoder and `seg_head`;
 * detection: the neck and `det_head`).
 */
export type FinetuneProtocol = 'finetune' | 'linear-probe' | 'frozen';

/** Every option, resolved. */
export interface FinetuneOptions {
  task: FinetuneTask;
  /** Encoder weights (safetensors) or `random`. */
  encoder: string;
  /** ViT preset for `--encoder random` (and the fallback for a file without one). */
  vit: string;
  /** Training data (list, CSV or folder). */
  data: string;
  val?: string;
  test?: string;
  /** [train, val, test] parts of `data` (counts, or fractions when `splitUnit` is `percent`). */
  split?: { parts: number[]; unit: 'count' | 'percent' };
  imageRoot?: string;
  /** Folder data: the image and mask sub-folders. */
  images: string;
  masks?: string;
  /** Percentage of the training list used: 1, 10 or 100. */
  fraction: 1 | 10 | 100;
  labels: 'auto' | 'multi-label' | 'single-label';
  classes?: number;
  colour: 'grey' | 'rgb';
  protocol: FinetuneProtocol;
  imageSize: number;
  /** Read the encoder's final norm (default false: the last block's output, as the authors' heads). */
  finalNorm: boolean;
  optimizer: 'sgd' | 'adamw';
  lr: number;
  weightDecay: number;
  momentum: number;
  layerDecay?: number;
  /** Warm-up steps (capped at a tenth of all steps). */
  warmup: number;
  clip: number;
  epochs: number;
  batchSize: number;
  /** Epochs without improvement on the validation data before stopping. */
  patience: number;
  /** Classification training augmentation: random-resized crop + flip. `auto`: on when the encoder trains. */
  augment: 'auto' | 'on' | 'off';
  /** Segmentation decoder widths (4). */
  decoderWidths: number[];
  /** Detection neck width multiplier on the authors' widths. */
  headWidth: number;
  bootstrap: number;
  seed: number;
  out: string;
  onBadSample: 'skip' | 'fail';
}

/** Every option of `ecamp eval`, resolved. */
export interface EvalOptions {
  checkpoint: string;
  test: string;
  /** Encoder override for a frozen-encoder head (default: the file the head was trained on). */
  encoder?: string;
  imageRoot?: string;
  images: string;
  masks?: string;
  /** Resamples behind each interval (default by the checkpoint's task: 1000; detection 200). */
  bootstrap?: number;
  seed: number;
  onBadSample: 'skip' | 'fail';
  /** Write the metrics as JSON here. */
  out?: string;
}

/** A bad flag: the message names it. */
export class FinetuneOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FinetuneOptionError';
  }
}

/** The parseArgs flags of `ecamp finetune`. */
export const FINETUNE_FLAGS = {
  task: { type: 'string' },
  encoder: { type: 'string' },
  vit: { type: 'string' },
  data: { type: 'string' },
  val: { type: 'string' },
  test: { type: 'string' },
  split: { type: 'string' },
  'image-root': { type: 'string' },
  images: { type: 'string' },
  masks: { type: 'string' },
  fraction: { type: 'string' },
  labels: { type: 'string' },
  classes: { type: 'string' },
  colour: { type: 'string' },
  protocol: { type: 'string' },
  'image-size': { type: 'string' },
  'final-norm': { type: 'boolean' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  'weight-decay': { type: 'string' },
  momentum: { type: 'string' },
  'layer-decay': { type: 'string' },
  warmup: { type: 'string' },
  clip: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  patience: { type: 'string' },
  augment: { type: 'string' },
  'decoder-widths': { type: 'string' },
  'head-width': { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  'on-bad-sample': { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The parseArgs flags of `ecamp eval`: its checkpoint, and those it shares with `ecamp finetune` (same meaning, same checks). */
export const EVAL_FLAGS = {
  checkpoint: { type: 'string' },
  test: FINETUNE_FLAGS.test,
  encoder: FINETUNE_FLAGS.encoder,
  'image-root': FINETUNE_FLAGS['image-root'],
  images: FINETUNE_FLAGS.images,
  masks: FINETUNE_FLAGS.masks,
  bootstrap: FINETUNE_FLAGS.bootstrap,
  seed: FINETUNE_FLAGS.seed,
  out: FINETUNE_FLAGS.out,
  'on-bad-sample': FINETUNE_FLAGS['on-bad-sample'],
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Per-task defaults: the authors' fine-tuning scripts (their run_ft.sh / run.sh), where CPU allows. */
export const TASK_DEFAULTS: Record<
  FinetuneTask,
  {
    protocol: FinetuneProtocol;
    optimizer: 'sgd' | 'adamw';
    lr: number;
    weightDecay: number;
    warmup: number;
    patience: number;
    epochs: number;
    batchSize: number;
  }
> = {
  // train.py: SGD momentum 0.9, weight decay 0, WarmupCosine, clip 1.0, 20 evaluations without improvement; lr 3e-3 … 3e-2 by set.
  classification: { protocol: 'finetune', optimizer: 'sgd', lr: 1e-2, weightDecay: 0, warmup: 50, patience: 20, epochs: 30, batchSize: 32 },
  // Segmentation/train.py + run.sh: AdamW 5e-4, weight decay 0.05, warm-up 50, clip 1.0, patience 40; frozen ViT.
  segmentation: { protocol: 'frozen', optimizer: 'adamw', lr: 5e-4, weightDecay: 0.05, warmup: 50, patience: 40, epochs: 50, batchSize: 16 },
  // Detection/train.py + run.sh: AdamW 5e-4, weight decay 0.05, warm-up 5, clip 1.0, patience 20; frozen ViT.
  detection: { protocol: 'frozen', optimizer: 'adamw', lr: 5e-4, weightDecay: 0.05, warmup: 5, patience: 20, epochs: 50, batchSize: 16 },
};

function oneOf<T extends string>(flag: string, value: unknown, allowed: readonly T[], fallback?: T): T {
  if (value === undefined) {
    if (fallback === undefined) throw new FinetuneOptionError(`--${flag} is required (${allowed.join(' | ')})`);
    return fallback;
  }
  if (!allowed.includes(value as T)) throw new FinetuneOptionError(`--${flag}: '${String(value)}' is not one of ${allowed.join(', ')}`);
  return value as T;
}

function num(
  flag: string,
  value: unknown,
  fallback: number | undefined,
  check: { integer?: boolean; min?: number; max?: number; positive?: boolean } = {},
): number {
  if (value === undefined) {
    if (fallback === undefined) throw new FinetuneOptionError(`--${flag} is required`);
    return fallback;
  }
  const s = String(value).trim();
  const v = Number(s);
  if (s === '' || !Number.isFinite(v)) throw new FinetuneOptionError(`--${flag}: '${s}' is not a number`);
  if (check.integer && !Number.isInteger(v)) throw new FinetuneOptionError(`--${flag}: ${s} is not a whole number`);
  if (check.positive && !(v > 0)) throw new FinetuneOptionError(`--${flag}: must be > 0, got ${s}`);
  if (check.min !== undefined && v < check.min) throw new FinetuneOptionError(`--${flag}: must be ≥ ${check.min}, got ${s}`);
  if (check.max !== undefined && v > check.max) throw new FinetuneOptionError(`--${flag}: must be ≤ ${check.max}, got ${s}`);
  return v;
}

function text(flag: string, value: unknown, required = false): string | undefined {
  if (value === undefined) {
    if (required) throw new FinetuneOptionError(`--${flag} is required`);
    return undefined;
  }
  const s = String(value).trim();
  if (!s) throw new FinetuneOptionError(`--${flag}: empty value`);
  return s;
}

/** `15/5`, `70/10/20`, `80%/20%`: two parts (train/test) or three (train/val/test). */
export function parseSplit(value: string): { parts: number[]; unit: 'count' | 'percent' } {
  const raw = value.split('/').map((p) => p.trim());
  if (raw.length < 2 || raw.length > 3) throw new FinetuneOptionError(`--split: '${value}' is not train/test or train/val/test (e.g. 15/5 or 70%/10%/20%)`);
  const percent = raw.every((p) => p.endsWith('%'));
  if (!percent && raw.some((p) => p.endsWith('%'))) throw new FinetuneOptionError(`--split: '${value}' mixes counts and percentages`);
  const parts = raw.map((p) => {
    const s = percent ? p.slice(0, -1) : p;
    const v = Number(s);
    if (s === '' || !Number.isFinite(v) || v < 0 || (!percent && !Number.isInteger(v))) {
      throw new FinetuneOptionError(`--split: '${p}' is not a ${percent ? 'percentage' : 'whole number of images'}`);
    }
    return v;
  });
  if (parts[0] <= 0 || parts[parts.length - 1] <= 0) throw new FinetuneOptionError(`--split: '${value}' leaves no training or no test images`);
  if (percent && parts.reduce((a, b) => a + b, 0) > 100 + 1e-9) throw new FinetuneOptionError(`--split: '${value}' adds up to more than 100 %`);
  return { parts: parts.length === 2 ? [parts[0], 0, parts[1]] : parts, unit: percent ? 'percent' : 'count' };
}

/** Resolves parsed flags into {@link FinetuneOptions}; throws {@link FinetuneOptionError} naming the flag. */
export function resolveFinetuneOptions(values: Record<string, unknown>): FinetuneOptions {
  const task = oneOf<FinetuneTask>('task', values.task, ['classification', 'segmentation', 'detection']);
  const d = TASK_DEFAULTS[task];
  const protocol = oneOf<FinetuneProtocol>('protocol', values.protocol, ['finetune', 'linear-probe', 'frozen'], d.protocol);
  if (protocol === 'linear-probe' && task !== 'classification') {
    throw new FinetuneOptionError(`--protocol: linear-probe is a classification protocol; ${task} uses frozen (the authors') or finetune`);
  }
  const split = values.split === undefined ? undefined : parseSplit(String(values.split));
  if (split && (values.val !== undefined || values.test !== undefined)) {
    throw new FinetuneOptionError('--split: splits --data itself; give either --split or --val/--test, not both');
  }
  if (!split && values.test === undefined) throw new FinetuneOptionError('--test is required (or --split to hold images out of --data)');
  const optimizer = oneOf<'sgd' | 'adamw'>('optimizer', values.optimizer, ['sgd', 'adamw'], d.optimizer);
  const fraction = num('fraction', values.fraction, 100);
  if (![1, 10, 100].includes(fraction)) throw new FinetuneOptionError(`--fraction: ${fraction} is not 1, 10 or 100`);
  const layerDecay = values['layer-decay'] === undefined ? undefined : num('layer-decay', values['layer-decay'], undefined, { positive: true, max: 1 });
  if (layerDecay !== undefined && protocol !== 'finetune') throw new FinetuneOptionError('--layer-decay: applies to --protocol finetune only');
  const widths = String(values['decoder-widths'] ?? '512,256,128,64')
    .split(',')
    .map((w) => num('decoder-widths', w, undefined, { integer: true, positive: true }));
  if (widths.length !== 4) throw new FinetuneOptionError(`--decoder-widths: give 4 widths (one per ×2 stage), got ${widths.length}`);
  const augment = oneOf<'auto' | 'on' | 'off'>('augment', values.augment, ['auto', 'on', 'off'], 'auto');
  if (augment === 'on' && task !== 'classification') {
    throw new FinetuneOptionError(
      `--augment on: training augmentation is implemented for classification (random-resized crop + flip); ${task} trains on resized images as the authors' test transform`,
    );
  }
  const labels = oneOf<'auto' | 'multi-label' | 'single-label'>('labels', values.labels, ['auto', 'multi-label', 'single-label'], 'auto');
  return {
    task,
    encoder: text('encoder', values.encoder, true)!,
    vit: text('vit', values.vit) ?? 'tiny',
    data: text('data', values.data, true)!,
    val: text('val', values.val),
    test: text('test', values.test),
    split,
    imageRoot: text('image-root', values['image-root']),
    images: text('images', values.images) ?? 'images',
    masks: text('masks', values.masks),
    fraction: fraction as 1 | 10 | 100,
    labels,
    classes: values.classes === undefined ? undefined : num('classes', values.classes, undefined, { integer: true, min: 2 }),
    colour: oneOf<'grey' | 'rgb'>('colour', values.colour, ['grey', 'rgb'], 'grey'),
    protocol,
    imageSize: num('image-size', values['image-size'], 224, { integer: true, min: 16 }),
    finalNorm: Boolean(values['final-norm']),
    optimizer,
    lr: num('lr', values.lr, d.lr, { positive: true }),
    weightDecay: num('weight-decay', values['weight-decay'], optimizer === d.optimizer ? d.weightDecay : optimizer === 'sgd' ? 0 : 0.05, { min: 0 }),
    momentum: num('momentum', values.momentum, 0.9, { min: 0, max: 0.999 }),
    layerDecay,
    warmup: num('warmup', values.warmup, d.warmup, { integer: true, min: 0 }),
    clip: num('clip', values.clip, 1, { positive: true }),
    epochs: num('epochs', values.epochs, d.epochs, { integer: true, min: 1 }),
    batchSize: num('batch-size', values['batch-size'], d.batchSize, { integer: true, min: 1 }),
    patience: num('patience', values.patience, d.patience, { integer: true, min: 1 }),
    augment,
    decoderWidths: widths,
    headWidth: num('head-width', values['head-width'], 1, { positive: true }),
    bootstrap: num('bootstrap', values.bootstrap, task === 'detection' ? 200 : 1000, { integer: true, min: 1 }),
    seed: num('seed', values.seed, 0, { integer: true }),
    out: text('out', values.out) ?? `runs/finetune-${task}`,
    onBadSample: oneOf<'skip' | 'fail'>('on-bad-sample', values['on-bad-sample'], ['skip', 'fail'], 'skip'),
  };
}

/** Resolves the parsed flags of `ecamp eval` into {@link EvalOptions}, checked as `ecamp finetune` checks them; throws {@link FinetuneOptionError} naming the flag. */
export function resolveEvalOptions(values: Record<string, unknown>): EvalOptions {
  return {
    checkpoint: text('checkpoint', values.checkpoint, true)!,
    test: text('test', values.test, true)!,
    encoder: text('encoder', values.encoder),
    imageRoot: text('image-root', values['image-root']),
    images: text('images', values.images) ?? 'images',
    masks: text('masks', values.masks),
    bootstrap: values.bootstrap === undefined ? undefined : num('bootstrap', values.bootstrap, undefined, { integer: true, min: 1 }),
    seed: num('seed', values.seed, 0, { integer: true }),
    out: text('out', values.out),
    onBadSample: oneOf<'skip' | 'fail'>('on-bad-sample', values['on-bad-sample'], ['skip', 'fail'], 'skip'),
  };
}

/** Whether training batches are augmented: `auto` is on for classification when the encoder trains. */
export function augmentationOn(o: Pick<FinetuneOptions, 'task' | 'augment' | 'protocol'>): boolean {
  if (o.task !== 'classification') return false;
  return o.augment === 'on' || (o.augment === 'auto' && o.protocol === 'finetune');
}

/** Whether the encoder's parameters train. */
export function encoderTrains(o: Pick<FinetuneOptions, 'protocol'>): boolean {
  return o.protocol === 'finetune';
}
