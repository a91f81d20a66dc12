import { accessSync, constants, createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

/** One report to distil. */
export interface ReportInput {
  /** Unique id (study or row id). */
  id: string;
  /** Report text (for IU X-ray / MIMIC: findings and impression joined). */
  text: string;
  /** Image path, carried to the authors' CSV output (`img_path`); empty when unknown. */
  imagePath?: string;
  /** Every column of the source row, for callers that need more (e.g. expert tags). */
  fields?: Record<string, string>;
}

/** Options of {@link readReports}. */
export interface ReadReportsOptions {
  /** `csv` or `jsonl`; default from the file extension. */
  format?: 'csv' | 'jsonl';
  /** Id column/key; default the first present of id, uid, study_id, dicom_id. */
  idColumn?: string;
  /** Text columns/keys joined with a space; default `text` or `report`, else findings + impression. */
  textColumns?: string[];
  /** Image path column/key; default the first present of img_path, image_path, path. */
  imageColumn?: string;
}

const ID_DEFAULTS = ['id', 'uid', 'study_id', 'dicom_id'];
const IMAGE_DEFAULTS = ['img_path', 'image_path', 'path'];

/**
 * Streams reports from a CSV (header row) or JSONL file. Rows whose text is empty are still
 * yielded (the caller decides); a missing column, a row without id or a broken JSON line is an
 * error naming the file and line. Any other `AsyncIterable<ReportInput>` (e.g. a pre-training
 * reader of `@ecamp/data` mapped to `{ id, text }`) can be distilled the same way.
 */
export async function* readReports(path: string, options: ReadReportsOptions = {}): AsyncGenerator<ReportInput> {
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    throw new Error(`cannot read reports ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const format = options.format ?? (/\.jsonl?$/i.test(path) ? 'jsonl' : 'csv');
  if (format === 'jsonl') yield* readJsonl(path, options);
  else yield* readCsv(path, options);
}

function resolveColumns(columns: string[], options: ReadReportsOptions, path: string) {
  const has = (c: string) => columns.includes(c);
  const idColumn = options.idColumn ?? ID_DEFAULTS.find(has);
  if (!idColumn || !has(idColumn)) {
    throw new Error(`${path}: no id column (${options.idColumn ?? ID_DEFAULTS.join('/')}) among: ${columns.join(', ')}`);
  }
  const textColumns =
    options.textColumns ?? (has('text') ? ['text'] : has('report') ? ['report'] : ['findings', 'impression'].filter(has));
  const missing = textColumns.filter((c) => !has(c));
  if (textColumns.length === 0 || missing.length) {
    throw new Error(`${path}: text column(s) ${missing.join(', ') || 'text/report/findings/impression'} not found among: ${columns.join(', ')}`);
  }
  const imageColumn = options.imageColumn ?? IMAGE_DEFAULTS.find(has);
  return { idColumn, textColumns, imageColumn };
}

function toReport(row: Record<string, unknown>, cols: ReturnType<typeof resolveColumns>, where: string): ReportInput {
  const id = String(row[cols.idColumn] ?? '').trim();
  if (!id) throw new Error(`${where}: empty ${cols.idColumn}`);
  const text = cols.textColumns
    .map((c) => String(row[c] ?? '').trim())
    .filter(Boolean)
    .join(' ');
  const fields = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const imagePath = cols.imageColumn ? String(row[cols.imageColumn] ?? '') : '';
  return { id, text, imagePath, fields };
}

async function* readCsv(path: string, options: ReadReportsOptions): AsyncGenerator<ReportInput> {
  const source = createReadStream(path);
  const parser = source.pipe(parse({ columns: true, bom: true, relax_column_count: false, info: true }));
  source.once('error', (err) => parser.destroy(err)); // pipe() does not forward read errors
  let cols: ReturnType<typeof resolveColumns> | undefined;
  try {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      cols ??= resolveColumns(Object.keys(rec.record), options, path);
      yield toReport(rec.record, cols, `${path}:${rec.info.lines}`);
    }
  } catch (err) {
    const msg = (err as Error).message;
    throw new Error(msg.startsWith(path) ? msg : `${path}: ${msg}`);
  }
}

async function* readJsonl(path: string, options: ReadReportsOptions): AsyncGenerator<ReportInput> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (!line.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw new Error(`${path}:${n}: not valid JSON (${(err as Error).message})`);
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) throw new Error(`${path}:${n}: expected a JSON object`);
    const record = row as Record<string, unknown>;
    const cols = resolveColumns(Object.keys(record), options, `${path}:${n}`);
    yield toReport(record, cols, `${path}:${n}`);
  }
}

/** The fields of a pre-training record of `@ecamp/data` (`PretrainRecord`) that distillation needs. */
export interface PretrainRecordLike {
  id: string;
  imagePath: string;
  report: string;
}

/**
 * Adapts the records of any `@ecamp/data` pre-training reader (MIMIC-CXR, IU X-ray, the authors'
 * CSV, FFA-IR) to distillation input, structurally, without importing that package. Images of one
 * study share a report; identical texts are distilled once and each image gets its output row.
 */
export async function* reportsFromPretrainRecords(records: AsyncIterable<PretrainRecordLike> | Iterable<PretrainRecordLike>): AsyncGenerator<ReportInput> {
  for await (const r of records) yield { id: r.id, text: r.report, imagePath: r.imagePath };
}
