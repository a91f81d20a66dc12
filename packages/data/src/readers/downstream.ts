/**
 * Downstream list files (method.md §8): classification `path l1 l2 …`, SIIM
 * `ImageId,EncodedPixels` RLE (several rows per image, `-1` empty), RSNA
 * `image_path,bbox` with `[[x1,y1,x2,y2],…]`, RIGA `img_path,mask_path`, and
 * the 1 / 10 / 100 % training fractions chosen by file name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readCsvRows } from './csv-read.js';
import { decodeSiimRle } from './rle.js';
import { badLogFor, FirstRows, imageOk, resolveUnder } from './common.js';
import type { ReaderOptions } from './types.js';

/** One classification sample. */
export interface ClassificationRecord {
  imagePath: string;
  labels: number[];
  origin: { file: string; line: number };
}

/** Options of the list readers. */
export interface ListOptions extends ReaderOptions {
  /** Folder relative paths are resolved against (default: the list's folder). */
  imageRoot?: string;
}

/**
 * Reads `relative/path l1 l2 …` lines (whitespace-separated; labels are
 * numbers: 0/1 multi-hot, or a class index). Every line must have as many
 * labels as the first good line; a path listed twice is a duplicate (the
 * first line is kept). LF, CRLF or CR line ends and a byte-order mark are fine.
 */
export function readClassificationList(file: string, options: ListOptions = {}): ClassificationRecord[] {
  const bad = badLogFor(options);
  const root = options.imageRoot ?? dirname(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read list (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const out: ClassificationRecord[] = [];
  const seen = new FirstRows(bad);
  let width = -1;
  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .forEach((raw, k) => {
      const line = k + 1;
      const s = raw.trim();
      if (!s) return;
      const parts = s.split(/\s+/);
      const labels = parts.slice(1).map(Number);
      const badIdx = labels.findIndex((v) => !Number.isFinite(v));
      if (parts.length < 2) return bad.report('unreadable-row', { file, line }, 'expected "path label …"');
      if (badIdx >= 0) return bad.report('bad-value', { file, line, field: `label ${badIdx + 1}` }, `"${parts[badIdx + 1]}" is not a number`);
      if (width < 0) width = labels.length;
      else if (labels.length !== width) return bad.report('unreadable-row', { file, line }, `${labels.length} labels, earlier lines have ${width}`);
      const imagePath = resolveUnder(root, parts[0]);
      if (!seen.isFirst(imagePath, { file, line, field: 'path' })) return;
      if (!imageOk(imagePath, options, bad, file, line, 'path')) return;
      out.push({ imagePath, labels, origin: { file, line } });
    });
  return out;
}

/**
 * The list file for a training fraction: `train_1.txt` (1 %), `train_10.txt`
 * (10 %), `train.txt` (100 %) by default; `pattern` overrides the naming
 * (`{base}` and `{fraction}` are replaced). Throws when the file is absent.
 */
export function fractionListPath(dir: string, fraction: 1 | 10 | 100, options: { base?: string; ext?: string; pattern?: string } = {}): string {
  const base = options.base ?? 'train';
  const ext = options.ext ?? '.txt';
  const name = options.pattern
    ? options.pattern.replace('{base}', base).replace('{fraction}', String(fraction))
    : fraction === 100
      ? `${base}${ext}`
      : `${base}_${fraction}${ext}`;
  const p = join(dir, name);
  if (!existsSync(p)) throw new Error(`${p}: no ${fraction} % list in ${dir}`);
  return p;
}

/** One SIIM image with its RLE strings (one per row; an empty image has none). */
export interface SiimRecord {
  id: string;
  imagePath: string;
  rles: string[];
  origin: { file: string; line: number };
}

/**
 * Reads a SIIM CSV `ImageId,EncodedPixels`; rows of the same ImageId are
 * merged; `-1` means no pneumothorax. Images are `imageRoot/<ImageId><ext>`.
 */
export function readSiimCsv(file: string, options: ListOptions & { ext?: string } = {}): SiimRecord[] {
  const bad = badLogFor(options);
  const root = options.imageRoot ?? join(dirname(file), 'images');
  const ext = options.ext ?? '.png';
  const { rows } = readCsvRows(file, ['ImageId', 'EncodedPixels'], bad);
  const byId = new Map<string, SiimRecord>();
  for (const r of rows) {
    const id = r.values.ImageId.trim();
    const rle = r.values.EncodedPixels.trim();
    if (!id) {
      bad.report('missing-field', { file, line: r.line, field: 'ImageId' }, 'empty ImageId');
      continue;
    }
    if (rle !== '-1' && !/^\d+(\s+\d+)*$/.test(rle)) {
      bad.report('bad-value', { file, line: r.line, field: 'EncodedPixels' }, `not a run-length encoding: "${rle.slice(0, 40)}"`);
      continue;
    }
    let rec = byId.get(id);
    if (!rec) {
      const imagePath = resolveUnder(root, `${id}${ext}`);
      if (!imageOk(imagePath, options, bad, file, r.line, 'ImageId')) continue;
      rec = { id, imagePath, rles: [], origin: { file, line: r.line } };
      byId.set(id, rec);
    }
    if (rle !== '-1') rec.rles.push(rle);
  }
  return [...byId.values()];
}

/** The union mask (row-major `height × width`, 0/1) of a SIIM record's runs; errors name the CSV line. */
export function siimRecordMask(rec: SiimRecord, width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (const rle of rec.rles) decodeSiimRle(rle, width, height, mask, `${rec.origin.file}:${rec.origin.line} (field "EncodedPixels"): ImageId ${rec.id}`);
  return mask;
}

/** One detection sample. */
export interface BoxRecord {
  imagePath: string;
  /** `[x1, y1, x2, y2]` in source pixels. */
  boxes: [number, number, number, number][];
  origin: { file: string; line: number };
}

/**
 * Reads an RSNA-style CSV `image_path,bbox` with bbox `[[x1,y1,x2,y2],…]`
 * (empty list for negatives; coordinates ≥ 0, x2 > x1, y2 > y1). One row per
 * image: a second row of the same image is a duplicate.
 */
export function readBoxCsv(file: string, options: ListOptions = {}): BoxRecord[] {
  const bad = badLogFor(options);
  const root = options.imageRoot ?? dirname(file);
  const { rows } = readCsvRows(file, ['image_path', 'bbox'], bad);
  const seen = new FirstRows(bad);
  const out: BoxRecord[] = [];
  for (const r of rows) {
    let boxes: unknown;
    try {
      boxes = JSON.parse(r.values.bbox);
    } catch {
      bad.report('bad-value', { file, line: r.line, field: 'bbox' }, `not JSON: "${r.values.bbox.slice(0, 40)}"`);
      continue;
    }
    const ok =
      Array.isArray(boxes) &&
      boxes.every(
        (b) =>
          Array.isArray(b) &&
          b.length === 4 &&
          b.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
          b[0] >= 0 &&
          b[1] >= 0 &&
          b[2] > b[0] &&
          b[3] > b[1],
      );
    if (!ok) {
      bad.report(
        'bad-value',
        { file, line: r.line, field: 'bbox' },
        `expected [[x1,y1,x2,y2],…] with 0 ≤ x1 < x2, 0 ≤ y1 < y2, got ${r.values.bbox.slice(0, 60)}`,
      );
      continue;
    }
    const rel = r.values.image_path.trim();
    if (!rel) {
      bad.report('missing-field', { file, line: r.line, field: 'image_path' }, 'empty image path');
      continue;
    }
    const imagePath = resolveUnder(root, rel);
    if (!seen.isFirst(imagePath, { file, line: r.line, field: 'image_path' })) continue;
    if (!imageOk(imagePath, options, bad, file, r.line, 'image_path')) continue;
    out.push({ imagePath, boxes: boxes as [number, number, number, number][], origin: { file, line: r.line } });
  }
  return out;
}

/** One segmentation sample with a mask image. */
export interface MaskRecord {
  imagePath: string;
  maskPath: string;
  origin: { file: string; line: number };
}

/** Reads a RIGA-style CSV `img_path,mask_path`; both files must exist (when checking); one row per image. */
export function readMaskCsv(file: string, options: ListOptions = {}): MaskRecord[] {
  const bad = badLogFor(options);
  const root = options.imageRoot ?? dirname(file);
  const { rows } = readCsvRows(file, ['img_path', 'mask_path'], bad);
  const seen = new FirstRows(bad);
  const out: MaskRecord[] = [];
  for (const r of rows) {
    const empty = (['img_path', 'mask_path'] as const).find((f) => !r.values[f].trim());
    if (empty) {
      bad.report('missing-field', { file, line: r.line, field: empty }, 'empty path');
      continue;
    }
    const imagePath = resolveUnder(root, r.values.img_path.trim());
    const maskPath = resolveUnder(root, r.values.mask_path.trim());
    if (!seen.isFirst(imagePath, { file, line: r.line, field: 'img_path' })) continue;
    if (!imageOk(imagePath, options, bad, file, r.line, 'img_path')) continue;
    if (!imageOk(maskPath, options, bad, file, r.line, 'mask_path')) continue;
    out.push({ imagePath, maskPath, origin: { file, line: r.line } });
  }
  return out;
}
