/**
 * Segmentation data as two folders — images and their masks — paired by file name
 * (DRIVE's `images/21_training.tif` + `1st_manual/21_manual1.gif`, or the same stem in both).
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { badLogFor } from './common.js';
import type { ReaderOptions } from './types.js';

/** One image with its mask file, from {@link readMaskFolder}. */
export interface MaskFolderRecord {
  imagePath: string;
  maskPath: string;
  /** The pairing key both names share (their stem, or their leading id). */
  key: string;
  origin: { file: string };
}

/** Options of {@link readMaskFolder}. */
export interface MaskFolderOptions extends ReaderOptions {
  /** Folder of the images. */
  images: string;
  /** Folder of the masks. */
  masks: string;
}

/** File extensions read as images or masks (case-insensitive). */
export const MASK_FOLDER_EXTENSIONS: readonly string[] = Object.freeze(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.gif', '.bmp', '.webp', '.dcm']);

/** Name without its extension. */
function stemOf(name: string): string {
  return name.slice(0, name.length - extname(name).length);
}

/** The leading id of a stem: the text before the first `_`, `-`, `.` or space (`21_training` → `21`). */
export function leadingId(stem: string): string {
  return stem.split(/[_\-. ]/)[0];
}

function listImages(dir: string, what: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new Error(`${dir}: cannot read the ${what} folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return names
    .filter((n) => !n.startsWith('.') && MASK_FOLDER_EXTENSIONS.includes(extname(n).toLowerCase()))
    .filter((n) => statSync(join(dir, n)).isFile())
    .sort();
}

/**
 * Pairs every image in `images` with one mask in `masks`: the mask with the same stem
 * (`a.png` ↔ `a.png`, `a.tif` ↔ `a.gif`), else the one mask with the same leading id
 * (`21_training.tif` ↔ `21_manual1.gif`). An image without a mask, a mask without an
 * image, and an image whose id matches several masks are bad samples (`no-match`,
 * `bad-value`) naming the file — skipped and counted, or thrown under `fail`. Records come
 * in image-name order; a mask already paired with an earlier image is a `duplicate`. Throws
 * when a folder cannot be read or holds no image.
 *
 * @example
 * readMaskFolder({ images: 'drive/training/images', masks: 'drive/training/1st_manual' });
 * // [{ imagePath: '…/21_training.tif', maskPath: '…/21_manual1.gif', key: '21', … }, …]
 */
export function readMaskFolder(options: MaskFolderOptions): MaskFolderRecord[] {
  const bad = badLogFor(options);
  const images = listImages(options.images, 'image');
  const masks = listImages(options.masks, 'mask');
  if (images.length === 0) throw new Error(`${options.images}: no image files (${MASK_FOLDER_EXTENSIONS.join(' ')})`);
  const byStem = new Map<string, string[]>();
  const byId = new Map<string, string[]>();
  for (const m of masks) {
    byStem.set(stemOf(m), [...(byStem.get(stemOf(m)) ?? []), m]);
    byId.set(leadingId(stemOf(m)), [...(byId.get(leadingId(stemOf(m))) ?? []), m]);
  }
  const used = new Set<string>();
  const out: MaskFolderRecord[] = [];
  for (const image of images) {
    const file = join(options.images, image);
    const stem = stemOf(image);
    let key = stem;
    let candidates = byStem.get(stem) ?? [];
    if (candidates.length === 0) {
      key = leadingId(stem);
      candidates = byId.get(key) ?? [];
    }
    if (candidates.length === 0) {
      bad.report('no-match', { file }, `no mask named "${stem}.*" or starting with "${leadingId(stem)}" in ${options.masks}`);
      continue;
    }
    if (candidates.length > 1) {
      bad.report('bad-value', { file }, `several masks match "${key}" in ${options.masks}: ${candidates.join(', ')}`);
      candidates.forEach((c) => used.add(c));
      continue;
    }
    if (used.has(candidates[0])) {
      bad.report('duplicate', { file }, `mask ${candidates[0]} is already paired with another image`);
      continue;
    }
    used.add(candidates[0]);
    out.push({ imagePath: file, maskPath: join(options.masks, candidates[0]), key, origin: { file } });
  }
  for (const m of masks) {
    if (!used.has(m)) bad.report('no-match', { file: join(options.masks, m) }, `no image in ${options.images} for this mask`);
  }
  return out;
}
