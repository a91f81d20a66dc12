/**
 * FFA-IR (fundus fluorescein angiography images and reports): an annotation
 * JSON `{ "train" | "val" | "test": { <case id>: { "Image_path": [..],
 * "En_Report": "…" } } }` with image paths relative to the image root. Every
 * image of a case is paired with the case's English report.
 */
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { normalizeWhitespace, textProblem } from '../text/report.js';
import { badLogFor, imageOk, resolveUnder } from './common.js';
import type { PretrainRecord, ReaderOptions } from './types.js';

/** Options of {@link readFfaIr}. */
export interface FfaIrOptions extends ReaderOptions {
  annotationJson: string;
  /** Folder image paths are relative to (default: the JSON's folder). */
  imageRoot?: string;
  split?: 'train' | 'val' | 'test';
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** `line:column` (1-based) of a character offset. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return `${line}:${offset - last}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads FFA-IR image–report pairs of one split. A file that is not JSON, or
 * whose top level or split is not an object, is an error naming the file (and
 * the line and column of a syntax error); a case that is not an object, has no
 * list of image paths, or no usable English report is a bad sample.
 */
export function readFfaIr(options: FfaIrOptions): PretrainRecord[] {
  const bad = badLogFor(options);
  const file = options.annotationJson;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new Error(`${file}: cannot read FFA-IR annotation JSON (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const at = /at position (\d+)/.exec(msg);
    throw new Error(`${file}${at ? `:${lineColumn(text, Number(at[1]))}` : ''}: cannot read FFA-IR annotation JSON (${msg})`);
  }
  if (!isObject(json))
    throw new Error(`${file}: the top level must be an object of splits ("train", "val", "test"), got ${Array.isArray(json) ? 'an array' : String(json)}`);
  const split = options.split ?? 'train';
  const cases = json[split];
  if (!isObject(cases)) {
    throw new Error(
      cases === undefined
        ? `${file}: missing split "${split}" (keys: ${Object.keys(json).join(', ')})`
        : `${file} (field "${split}"): the split must be an object of cases`,
    );
  }
  const invalidUtf8 = !isUtf8(bytes);
  const root = options.imageRoot ?? dirname(file);
  const out: PretrainRecord[] = [];
  // Lines of the cases' keys, found in order after the split's key (JSON.parse keeps no positions).
  let cursor = Math.max(0, text.indexOf(`${JSON.stringify(split)}`));
  let line = 1 + countNewlines(text, 0, cursor);
  const lineOf = (key: string): number | undefined => {
    const at = text.indexOf(`${JSON.stringify(key)}`, cursor);
    if (at < 0) return undefined;
    line += countNewlines(text, cursor, at);
    cursor = at;
    return line;
  };
  for (const [caseId, c] of Object.entries(cases)) {
    const where = { file, line: lineOf(caseId), field: `${split}.${caseId}` };
    if (!isObject(c)) {
      bad.report(
        'missing-field',
        where,
        `a case must be an object with Image_path and En_Report, got ${Array.isArray(c) ? 'an array' : JSON.stringify(c)?.slice(0, 40)}`,
      );
      continue;
    }
    if (!Array.isArray(c.Image_path) || c.Image_path.length === 0 || c.Image_path.some((p) => typeof p !== 'string' || !p.trim())) {
      bad.report('missing-field', { ...where, field: `${where.field}.Image_path` }, 'Image_path must be a non-empty list of non-empty strings');
      continue;
    }
    const problem = typeof c.En_Report === 'string' ? textProblem(c.En_Report, invalidUtf8) : null;
    if (problem) {
      bad.report('binary-data', { ...where, field: `${where.field}.En_Report` }, problem);
      continue;
    }
    const report = typeof c.En_Report === 'string' ? normalizeWhitespace(c.En_Report) : '';
    if (!report) {
      bad.report(
        'empty-report',
        { ...where, field: `${where.field}.En_Report` },
        typeof c.En_Report === 'string' || c.En_Report === undefined
          ? 'no English report'
          : `En_Report must be a string, got ${JSON.stringify(c.En_Report).slice(0, 40)}`,
      );
      continue;
    }
    (c.Image_path as string[]).forEach((p, k) => {
      const imagePath = resolveUnder(root, p);
      if (!imageOk(imagePath, options, bad, file, where.line, `${where.field}.Image_path[${k}]`)) return;
      out.push({ id: `${caseId}_${k}`, imagePath, report, origin: { file, line: where.line } });
    });
  }
  return out;
}
