/**
 * FFA-IR (fundus fluorescein angiography images and reports): an annotation
 * JSON `{ "train" | "val" | "test": { <case id>: { "Image_path": [..],
 * "En_Report": "…" } } }` with image paths relative to the image root. Every
 * image of a case is paired with the case's English report.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { normalizeWhitespace } from '../text/report.js';
import { badLogFor, imageOk, resolveUnder } from './common.js';
import type { PretrainRecord, ReaderOptions } from './types.js';

/** Options of {@link readFfaIr}. */
export interface FfaIrOptions extends ReaderOptions {
  annotationJson: string;
  /** Folder image paths are relative to (default: the JSON's folder). */
  imageRoot?: string;
  split?: 'train' | 'val' | 'test';
}

/** Reads FFA-IR image–report pairs of one split. */
export function readFfaIr(options: FfaIrOptions): PretrainRecord[] {
  const bad = badLogFor(options);
  const file = options.annotationJson;
  let json: Record<string, Record<string, { Image_path?: unknown; En_Report?: unknown }>>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read FFA-IR annotation JSON (${(err as Error).message})`);
  }
  const split = options.split ?? 'train';
  const cases = json[split];
  if (!cases || typeof cases !== 'object') throw new Error(`${file}: missing split "${split}" (keys: ${Object.keys(json).join(', ')})`);
  const root = options.imageRoot ?? dirname(file);
  const out: PretrainRecord[] = [];
  for (const [caseId, c] of Object.entries(cases)) {
    const where = { file, field: `${split}.${caseId}` };
    if (!Array.isArray(c.Image_path) || c.Image_path.some((p) => typeof p !== 'string')) {
      bad.report('missing-field', { ...where, field: `${where.field}.Image_path` }, 'Image_path must be a list of strings');
      continue;
    }
    const text = typeof c.En_Report === 'string' ? normalizeWhitespace(c.En_Report) : '';
    if (!text) {
      bad.report('empty-report', { ...where, field: `${where.field}.En_Report` }, 'no English report');
      continue;
    }
    (c.Image_path as string[]).forEach((p, k) => {
      const imagePath = resolveUnder(root, p);
      if (!imageOk(imagePath, options, bad, file, undefined, `${where.field}.Image_path[${k}]`)) return;
      out.push({ id: `${caseId}_${k}`, imagePath, report: text, origin: { file } });
    });
  }
  return out;
}
