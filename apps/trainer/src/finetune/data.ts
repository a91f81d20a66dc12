/**
 * The user's downstream data as samples: every format `@ecamp/data` reads — classification
 * lists (`path l1 l2 …`, multi-hot or a class index), SIIM RLE CSV, RSNA-style box CSV,
 * RIGA-style mask CSV, and image + mask folders — found from the file or folder itself,
 * split, subsampled, and checked against the task. Rows the readers reject are counted
 * skips (or errors naming file, line and field under `--on-bad-sample fail`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Rng } from '@ecamp/core';
import { readBoxCsv, readClassificationList, readMaskCsv, readMaskFolder, readSiimCsv, type BadSampleLog } from '@ecamp/data';
import { selectFraction, type Box } from '@ecamp/downstream';
import { FinetuneOptionError, type FinetuneOptions, type FinetuneTask } from './options.js';

/** Where a sample's mask comes from. */
export type MaskSource = { kind: 'file'; path: string } | { kind: 'rle'; rles: string[]; id: string } | { kind: 'boxes'; boxes: Box[] };

/** One downstream sample, before its image is decoded. */
export interface Sample {
  imagePath: string;
  /** Where it was listed, for error messages. */
  origin: { file: string; line?: number; field?: string };
  /** Classification: the list's label values. */
  labels?: number[];
  /** Segmentation: the mask. */
  mask?: MaskSource;
  /** Detection: true boxes `[x1, y1, x2, y2]` in source pixels. */
  boxes?: Box[];
}

/** The format of a data source. */
export type SourceFormat = 'classification-list' | 'siim-csv' | 'box-csv' | 'mask-csv' | 'mask-folder';

/** Which formats each task reads. */
const TASK_FORMATS: Record<FinetuneTask, SourceFormat[]> = {
  classification: ['classification-list'],
  segmentation: ['siim-csv', 'mask-csv', 'mask-folder', 'box-csv'],
  detection: ['box-csv'],
};

/** A CSV's column names (first line; BOM and quotes removed), or null for a file that is not one of ours. */
function csvHeader(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const first = text.split(/\r\n|\r|\n/, 1)[0] ?? '';
  return first.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/**
 * The format of `path`: a folder is image + mask folders; a `.csv` is told by its header
 * (`ImageId,EncodedPixels` SIIM, `image_path,bbox` boxes, `img_path,mask_path` masks); any
 * other file is a classification list.
 */
export function detectFormat(path: string): SourceFormat {
  if (!existsSync(path)) throw new FinetuneOptionError(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) return 'mask-folder';
  if (!/\.csv$/i.test(path)) return 'classification-list';
  const header = csvHeader(path);
  if (header.includes('ImageId') && header.includes('EncodedPixels')) return 'siim-csv';
  if (header.includes('image_path') && header.includes('bbox')) return 'box-csv';
  if (header.includes('img_path') && header.includes('mask_path')) return 'mask-csv';
  throw new FinetuneOptionError(
    `${path}:1: a CSV with columns ${header.join(', ')} is none of the downstream formats (ImageId,EncodedPixels — SIIM RLE; image_path,bbox — boxes; img_path,mask_path — masks)`,
  );
}

/** The mask sub-folder of a folder source: `--masks` (a name under the folder, or a path), else `masks`. */
function maskFolder(root: string, options: Pick<FinetuneOptions, 'masks'>): string {
  if (options.masks) {
    const p = isAbsolute(options.masks) || existsSync(options.masks) ? options.masks : join(root, options.masks);
    if (!existsSync(p)) throw new FinetuneOptionError(`--masks: ${p} does not exist`);
    return p;
  }
  const p = join(root, 'masks');
  if (!existsSync(p)) throw new FinetuneOptionError(`${root}: no masks/ folder; name the mask folder with --masks (e.g. --masks 1st_manual for DRIVE)`);
  return p;
}

/**
 * Reads one source for `task`. Throws (naming the file) when its format does not fit the task;
 * bad rows go to `badSamples` (skipped and counted, or an error under `fail`).
 */
export function readSource(
  path: string,
  task: FinetuneTask,
  options: Pick<FinetuneOptions, 'imageRoot' | 'images' | 'masks'>,
  badSamples: BadSampleLog,
): { format: SourceFormat; samples: Sample[] } {
  const format = detectFormat(path);
  if (!TASK_FORMATS[task].includes(format)) {
    throw new FinetuneOptionError(`${path}: a ${format.replace('-', ' ')} cannot be used for ${task} (it reads: ${TASK_FORMATS[task].join(', ')})`);
  }
  const reader = { badSamples, imageRoot: options.imageRoot };
  switch (format) {
    case 'classification-list':
      return {
        format,
        samples: readClassificationList(path, reader).map((r) => ({ imagePath: r.imagePath, origin: { ...r.origin, field: 'path' }, labels: r.labels })),
      };
    case 'siim-csv':
      return {
        format,
        samples: readSiimCsv(path, { badSamples, imageRoot: options.imageRoot }).map((r) => ({
          imagePath: r.imagePath,
          origin: { ...r.origin, field: 'EncodedPixels' },
          mask: { kind: 'rle', rles: r.rles, id: r.id },
        })),
      };
    case 'mask-csv':
      return {
        format,
        samples: readMaskCsv(path, reader).map((r) => ({
          imagePath: r.imagePath,
          origin: { ...r.origin, field: 'mask_path' },
          mask: { kind: 'file', path: r.maskPath },
        })),
      };
    case 'box-csv':
      return {
        format,
        samples: readBoxCsv(path, reader).map((r) =>
          task === 'detection'
            ? { imagePath: r.imagePath, origin: { ...r.origin, field: 'bbox' }, boxes: r.boxes }
            : { imagePath: r.imagePath, origin: { ...r.origin, field: 'bbox' }, mask: { kind: 'boxes', boxes: r.boxes } },
        ),
      };
    case 'mask-folder': {
      const images = isAbsolute(options.images) ? options.images : join(path, options.images);
      if (!existsSync(images)) throw new FinetuneOptionError(`${path}: no ${options.images}/ folder of images (name it with --images)`);
      const masks = maskFolder(path, options);
      return {
        format,
        samples: readMaskFolder({ images, masks, badSamples }).map((r) => ({
          imagePath: r.imagePath,
          origin: { file: r.maskPath, field: 'mask' },
          mask: { kind: 'file', path: r.maskPath },
        })),
      };
    }
  }
}

/** The samples of each split, and how they were chosen. */
export interface FinetuneData {
  train: Sample[];
  val: Sample[];
  test: Sample[];
  format: SourceFormat;
  /** Human-readable account of the split and fraction. */
  notes: string[];
}

/** Splits `samples` into train/val/test by `split` after a seeded shuffle. */
export function splitSamples(
  samples: Sample[],
  split: NonNullable<FinetuneOptions['split']>,
  seed: number,
): { train: Sample[]; val: Sample[]; test: Sample[]; unused: number } {
  const n = samples.length;
  const counts = split.unit === 'count' ? split.parts : split.parts.map((p) => Math.round((p / 100) * n));
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > n) throw new FinetuneOptionError(`--split ${split.parts.join('/')} needs ${total} images, the data has ${n} usable`);
  if (counts[0] < 1 || counts[2] < 1) throw new FinetuneOptionError(`--split: ${n} images leave no training or no test image`);
  const order = new Rng(seed).fork('split').shuffle(samples.map((_, i) => i));
  const take = (from: number, k: number) =>
    order
      .slice(from, from + k)
      .sort((a, b) => a - b)
      .map((i) => samples[i]);
  return { train: take(0, counts[0]), val: take(counts[0], counts[1]), test: take(counts[0] + counts[1], counts[2]), unused: n - total };
}

/** Reads `--data` (and `--val`, `--test`), splits, applies `--fraction`. */
export function loadFinetuneData(options: FinetuneOptions, badSamples: BadSampleLog): FinetuneData {
  const notes: string[] = [];
  const main = readSource(options.data, options.task, options, badSamples);
  let train: Sample[];
  let val: Sample[] = [];
  let test: Sample[] = [];
  if (options.split) {
    const s = splitSamples(main.samples, options.split, options.seed);
    ({ train, val, test } = s);
    notes.push(
      `split ${options.data} (${main.samples.length} images, seed ${options.seed}): ${train.length} train / ${val.length} validation / ${test.length} test${s.unused ? ` (${s.unused} unused)` : ''}`,
    );
  } else {
    train = main.samples;
    if (options.val) val = readSource(options.val, options.task, options, badSamples).samples;
    if (options.test) test = readSource(options.test, options.task, options, badSamples).samples;
  }
  if (options.fraction !== 100) {
    const before = train.length;
    train = selectFraction(train, options.fraction / 100, options.seed);
    notes.push(`--fraction ${options.fraction}: ${train.length} of ${before} training images (seeded; the 1 % set is inside the 10 % set)`);
  }
  if (train.length === 0) throw new FinetuneOptionError(`${options.data}: no usable training images (${String(badSamples)})`);
  if (test.length === 0) throw new FinetuneOptionError(`${options.test ?? options.data}: no usable test images (${String(badSamples)})`);
  if (val.length === 0) notes.push('no validation data: the last epoch is kept (give --val, or a three-part --split, for early stopping and the best epoch)');
  return { train, val, test, format: main.format, notes };
}

/** Resolved classification labels. */
export interface LabelSpace {
  mode: 'multi-label' | 'single-label';
  numClasses: number;
  /** Why this mode (for the log). */
  reason: string;
}

/**
 * Multi-label (BCE, one 0/1 column per label) or single-label (softmax, one class index per
 * row — or a one-hot row, converted) from `--labels`, or from the data: one column of whole
 * numbers with some value above 1 is a class index; anything else is multi-hot.
 */
export function resolveLabels(options: Pick<FinetuneOptions, 'labels' | 'classes'>, splits: Sample[][]): LabelSpace {
  const all = splits.flat();
  const width = all[0]?.labels?.length ?? 0;
  let mode = options.labels;
  let reason = `--labels ${mode}`;
  if (mode === 'auto') {
    const indexLike = width === 1 && all.every((s) => Number.isInteger(s.labels![0]) && s.labels![0] >= 0) && all.some((s) => s.labels![0] > 1);
    mode = indexLike ? 'single-label' : 'multi-label';
    reason = indexLike ? 'one label column of class indices (values above 1)' : `${width} label column${width === 1 ? '' : 's'} of 0/1`;
  }
  if (mode === 'multi-label') {
    for (const s of all) {
      const k = s.labels!.findIndex((v) => v !== 0 && v !== 1);
      if (k >= 0) {
        throw new FinetuneOptionError(
          `${s.origin.file}:${s.origin.line} (field "label ${k + 1}"): ${s.labels![k]} is not 0 or 1 in a multi-label list; pass --labels single-label if the column is a class index`,
        );
      }
    }
    if (options.classes !== undefined && options.classes !== width)
      throw new FinetuneOptionError(`--classes ${options.classes}: the lists have ${width} label columns`);
    return { mode, numClasses: width, reason };
  }
  // single-label: a class index, or a one-hot row.
  for (const s of all) {
    const l = s.labels!;
    if (l.length === 1) {
      if (!Number.isInteger(l[0]) || l[0] < 0)
        throw new FinetuneOptionError(`${s.origin.file}:${s.origin.line} (field "label 1"): ${l[0]} is not a class index (0, 1, 2, …)`);
    } else if (!(l.every((v) => v === 0 || v === 1) && l.filter((v) => v === 1).length === 1)) {
      throw new FinetuneOptionError(`${s.origin.file}:${s.origin.line} (field "labels"): ${l.join(' ')} is neither one class index nor a one-hot row`);
    }
  }
  const classOf = (l: number[]) => (l.length === 1 ? l[0] : l.indexOf(1));
  const seen = Math.max(...all.map((s) => classOf(s.labels!))) + 1;
  const numClasses = options.classes ?? (width > 1 ? width : seen);
  if (seen > numClasses) {
    const s = all.find((x) => classOf(x.labels!) >= numClasses)!;
    throw new FinetuneOptionError(`${s.origin.file}:${s.origin.line} (field "label 1"): class ${classOf(s.labels!)} is outside --classes ${numClasses}`);
  }
  if (numClasses < 2) throw new FinetuneOptionError('single-label data needs at least 2 classes (set --classes)');
  return { mode, numClasses, reason };
}

/** The class index of a single-label sample (index or one-hot row). */
export function classIndex(labels: number[]): number {
  return labels.length === 1 ? labels[0] : labels.indexOf(1);
}

/** A path written relative to `base` when it lies under it (for readable logs and checkpoints). */
export function displayPath(path: string, base = process.cwd()): string {
  const abs = resolve(path);
  return abs.startsWith(`${resolve(base)}/`) ? abs.slice(resolve(base).length + 1) : abs;
}

/** The folder a list's relative paths resolve against by default. */
export function listFolder(path: string): string {
  return dirname(resolve(path));
}
