/**
 * Writes a synthetic chest X-ray data set to disk in the same file formats as
 * the real data sets, so one set of readers serves both:
 *
 * ```
 * outDir/
 *   images/<id>.png                 8-bit grey PNG, size × size
 *   reports.csv                     img_path,report,llm_output,findings,impression,<label columns>  (authors' CSV)
 *   windows.csv                     label_i,label_j  (row-aligned with reports.csv; i = row, j = column)
 *   train.txt val.txt test.txt      classification lists: "images/<id>.png l1 l2 …" (LABEL_NAMES order)
 *   train_1.txt train_10.txt        1 % / 10 % of train.txt (train.txt is the 100 % list)
 *   siim_<split>.csv                ImageId,EncodedPixels  pneumothorax masks, SIIM RLE (-1 = empty)
 *   boxes_<split>.csv               image_path,bbox  consolidation boxes "[[x1,y1,x2,y2],…]" (RSNA format)
 *   masks_<label>_<split>.csv       img_path,mask_path  (RIGA format) for effusion, pneumothorax, consolidation
 *   masks/<label>/<id>.png          0/255 mask PNGs for those labels
 *   manifest.json                   what was written (also returned)
 * ```
 * Every file is written atomically. The same `(seed, n, size, fractions)` give
 * byte-identical files.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeSiimRle } from '../readers/rle.js';
import { csvLine, deriveSeed, Rng, writeFileAtomic } from '@ecamp/io';
import { groundTruthContext } from './context.js';
import { LABEL_NAMES, type LabelName } from './prior.js';
import { samplesInOrder } from './pool.js';
import type { SynthSample } from './sample.js';

/** Options of {@link synthesizeDataset}. */
export interface SynthesizeDatasetOptions {
  /** Base seed; every image, report and split follows from it. */
  seed: number;
  /** Number of images. */
  n: number;
  /** Output folder (created). */
  outDir: string;
  /** Image side length, 448…512 (default 512). */
  size?: number;
  /** Fraction of images in the training split (default 0.7). */
  trainFraction?: number;
  /** Fraction in the validation split (default 0.1); the rest is the test split. */
  valFraction?: number;
  /** Labels that get mask PNGs and a RIGA-style CSV (default effusion, pneumothorax, consolidation). */
  maskLabels?: LabelName[];
  /** PNG encodes in flight at once (default 4). */
  concurrency?: number;
  /**
   * Worker threads rendering samples (default 1 = this thread). Output is
   * byte-identical for any count. Needs the built package or a process running
   * under tsx; otherwise rendering stays in this thread.
   */
  workers?: number;
  /** Called after each image is written. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Return the existing manifest without writing anything when `outDir` already
   * holds a complete set made with the same seed, n, size, fractions and mask labels
   * (default false).
   */
  reuseExisting?: boolean;
}

/** What {@link synthesizeDataset} wrote, relative to `outDir`. */
export interface SynthManifest {
  seed: number;
  n: number;
  size: number;
  labelNames: LabelName[];
  /** Images with each label present. */
  labelCounts: Record<LabelName, number>;
  /** Images without any finding. */
  normalCount: number;
  splits: { train: number; val: number; test: number };
  /** The options the set was made with (to decide whether an existing set can be reused). */
  made: { trainFraction: number; valFraction: number; maskLabels: LabelName[] };
  paths: {
    images: string;
    reports: string;
    windows: string;
    classification: { train: string; val: string; test: string; train1: string; train10: string };
    siim: Record<Split, string>;
    boxes: Record<Split, string>;
    masks: Partial<Record<LabelName, Record<Split, string>>>;
  };
}

type Split = 'train' | 'val' | 'test';
const SPLITS: Split[] = ['train', 'val', 'test'];

/** Assigns each index a split by a seeded shuffle. */
export function assignSplits(seed: number, n: number, trainFraction: number, valFraction: number): Split[] {
  if (!(trainFraction >= 0 && valFraction >= 0 && trainFraction + valFraction <= 1)) {
    throw new Error(`synthesizeDataset: trainFraction (${trainFraction}) and valFraction (${valFraction}) must be ≥ 0 and sum to ≤ 1`);
  }
  const order = Rng.sfc32(deriveSeed(seed, 0x5117)).shuffle(Array.from({ length: n }, (_, i) => i));
  const nTrain = Math.round(n * trainFraction);
  const nVal = Math.round(n * valFraction);
  const split = new Array<Split>(n);
  order.forEach((idx, k) => (split[idx] = k < nTrain ? 'train' : k < nTrain + nVal ? 'val' : 'test'));
  return split;
}

/**
 * The `fraction` subset (e.g. 0.01, 0.1) of a list: a seeded shuffle's first
 * ⌈fraction·n⌉ lines, kept in the original order. At least one line.
 */
export function fractionSubset<T>(items: T[], fraction: number, seed: number): T[] {
  const k = Math.max(1, Math.ceil(items.length * fraction));
  const idx = Rng.sfc32(deriveSeed(seed, Math.round(fraction * 1e6)))
    .shuffle(items.map((_, i) => i))
    .slice(0, k)
    .sort((a, b) => a - b);
  return idx.map((i) => items[i]);
}

async function pngGrey(data: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
}

async function readManifest(path: string): Promise<SynthManifest | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as SynthManifest;
  } catch {
    return null;
  }
}

/** Generates `n` samples and writes images, reports, lists, masks and boxes; returns the manifest. */
export async function synthesizeDataset(options: SynthesizeDatasetOptions): Promise<SynthManifest> {
  const { seed, n, outDir } = options;
  const size = options.size ?? 512;
  if (!Number.isInteger(n) || n < 1) throw new Error(`synthesizeDataset: n must be a positive integer, got ${n}`);
  const maskLabels = options.maskLabels ?? (['pleural_effusion', 'pneumothorax', 'consolidation'] as LabelName[]);
  const made = { trainFraction: options.trainFraction ?? 0.7, valFraction: options.valFraction ?? 0.1, maskLabels: [...maskLabels] };
  if (options.reuseExisting) {
    const existing = await readManifest(join(outDir, 'manifest.json'));
    // The manifest is written last, so its presence means the set is complete.
    if (existing && existing.seed === seed && existing.n === n && existing.size === size && JSON.stringify(existing.made) === JSON.stringify(made))
      return existing;
  }
  const split = assignSplits(seed, n, made.trainFraction, made.valFraction);
  const concurrency = Math.max(1, options.concurrency ?? 4);

  const reports: string[] = [csvLine(['img_path', 'report', 'llm_output', 'findings', 'impression', ...LABEL_NAMES])];
  const windows: string[] = [csvLine(['label_i', 'label_j'])];
  const lists: Record<Split, string[]> = { train: [], val: [], test: [] };
  const siim: Record<Split, string[]> = { train: [], val: [], test: [] };
  const boxes: Record<Split, string[]> = { train: [], val: [], test: [] };
  const masks: Record<string, Record<Split, string[]>> = {};
  for (const l of maskLabels) masks[l] = { train: [], val: [], test: [] };
  const labelCounts = Object.fromEntries(LABEL_NAMES.map((l) => [l, 0])) as Record<LabelName, number>;
  let normalCount = 0;

  const inFlight = new Set<Promise<void>>();
  const empty = new Uint8Array(size * size);
  let done = 0;
  let index = -1;
  for await (const s of samplesInOrder(seed, n, size, options.workers ?? 1) as AsyncGenerator<SynthSample>) {
    index++;
    const sp = split[index];
    const imgPath = `images/${s.id}.png`;
    reports.push(csvLine([imgPath, s.report, groundTruthContext(s.findings.map((f) => f.spec)), s.findingsText, s.impression, ...s.labels]));
    windows.push(csvLine([s.window.i, s.window.j]));
    lists[sp].push(`${imgPath} ${s.labels.join(' ')}`);
    s.labels.forEach((v, k) => (labelCounts[LABEL_NAMES[k]] += v));
    if (s.labels.every((v) => v === 0)) normalCount++;
    const ptx = s.findings.find((f) => f.label === 'pneumothorax');
    siim[sp].push(csvLine([s.id, ptx ? encodeSiimRle(ptx.mask, size, size) : '-1']));
    const cons = s.findings.find((f) => f.label === 'consolidation');
    boxes[sp].push(csvLine([imgPath, JSON.stringify(cons ? cons.boxes.map((b) => [b[0], b[1], b[2], b[3]]) : [])]));

    const writes: Promise<void>[] = [pngGrey(s.image, size, size).then((png) => writeFileAtomic(join(outDir, imgPath), png))];
    for (const l of maskLabels) {
      const f = s.findings.find((x) => x.label === l);
      const maskPath = `masks/${l}/${s.id}.png`;
      masks[l][sp].push(csvLine([imgPath, maskPath]));
      const m = f ? f.mask.map((v) => (v ? 255 : 0)) : empty;
      writes.push(pngGrey(m, size, size).then((png) => writeFileAtomic(join(outDir, maskPath), png)));
    }
    const p: Promise<void> = Promise.all(writes).then(() => {
      inFlight.delete(p);
      options.onProgress?.(++done, n);
    });
    inFlight.add(p);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);

  const text = (lines: string[]) => lines.join('\n') + (lines.length > 0 ? '\n' : '');
  writeFileAtomic(join(outDir, 'reports.csv'), text(reports));
  writeFileAtomic(join(outDir, 'windows.csv'), text(windows));
  for (const sp of SPLITS) {
    writeFileAtomic(join(outDir, `${sp}.txt`), text(lists[sp]));
    writeFileAtomic(join(outDir, `siim_${sp}.csv`), text([csvLine(['ImageId', 'EncodedPixels']), ...siim[sp]]));
    writeFileAtomic(join(outDir, `boxes_${sp}.csv`), text([csvLine(['image_path', 'bbox']), ...boxes[sp]]));
    for (const l of maskLabels) writeFileAtomic(join(outDir, `masks_${l}_${sp}.csv`), text([csvLine(['img_path', 'mask_path']), ...masks[l][sp]]));
  }
  writeFileAtomic(join(outDir, 'train_1.txt'), text(fractionSubset(lists.train, 0.01, seed)));
  writeFileAtomic(join(outDir, 'train_10.txt'), text(fractionSubset(lists.train, 0.1, seed)));

  const bySplit = (f: (sp: Split) => string) => ({ train: f('train'), val: f('val'), test: f('test') });
  const manifest: SynthManifest = {
    seed,
    n,
    size,
    labelNames: [...LABEL_NAMES],
    labelCounts,
    normalCount,
    splits: { train: lists.train.length, val: lists.val.length, test: lists.test.length },
    made,
    paths: {
      images: 'images',
      reports: 'reports.csv',
      windows: 'windows.csv',
      classification: { train: 'train.txt', val: 'val.txt', test: 'test.txt', train1: 'train_1.txt', train10: 'train_10.txt' },
      siim: bySplit((sp) => `siim_${sp}.csv`),
      boxes: bySplit((sp) => `boxes_${sp}.csv`),
      masks: Object.fromEntries(maskLabels.map((l) => [l, bySplit((sp) => `masks_${l}_${sp}.csv`)])),
    },
  };
  writeFileAtomic(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
