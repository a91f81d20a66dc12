import { accessSync, constants, createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { parse } from 'csv-parse';
import { parseJsonObjectLine } from './data-file.js';

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
  /** Accept ids that repeat (default false: a repeated id is an error naming both lines). */
  allowDuplicateIds?: boolean;
}

const ID_DEFAULTS = ['id', 'uid', 'study_id', 'dicom_id'];
const IMAGE_DEFAULTS = ['img_path', 'image_path', 'path'];

/**
 * Streams reports from a CSV (header row) or JSONL file. Rows whose text is empty are still
 * yielded (the caller decides). Errors name the file and line: a missing column (with the default
 * text columns both `findings` and `impression` must exist; name `--text-column` to use one
 * alone), a row without id, a repeated id (unless `allowDuplicateIds`), a broken JSON line, bytes
 * that are not UTF-8, a NUL byte, and a file without any report (empty, or a header only). Any
 * other `AsyncIterable<ReportInput>` (e.g. a pre-training reader of `@ecamp/data` mapped to
 * `{ id, text }`) can be distilled the same way.
 */
export async function* readReports(path: string, options: ReadReportsOptions = {}): AsyncGenerator<ReportInput> {
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    throw new Error(`cannot read reports ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const format = options.format ?? (/\.jsonl?$/i.test(path) ? 'jsonl' : 'csv');
  const firstLine = new Map<string, string>();
  let count = 0;
  for await (const r of format === 'jsonl' ? readJsonl(path, options) : readCsv(path, options)) {
    if (!options.allowDuplicateIds) {
      const where = r.where;
      const first = firstLine.get(r.report.id);
      if (first !== undefined) {
        throw new Error(`${where}: duplicate id "${r.report.id}" (first at line ${first}); pass --allow-duplicate-ids (allowDuplicateIds) to accept it`);
      }
      firstLine.set(r.report.id, where.slice(where.lastIndexOf(':') + 1));
    }
    count += 1;
    yield r.report;
  }
  if (count === 0) throw new Error(`${path}: no reports (the file is empty${format === 'csv' ? ' or has a header row only' : ''})`);
}

/**
 * Passes bytes through unchanged while checking that they are UTF-8 without NUL bytes; fails
 * with the file, line and byte offset of the first bad byte.
 */
export class Utf8Guard extends Transform {
  private line = 1;
  private offset = 0;
  /** Continuation bytes still expected by the current multi-byte character. */
  private need = 0;
  /** Allowed range of the next continuation byte (narrowed after E0, ED, F0, F4). */
  private lo = 0x80;
  private hi = 0xbf;
  /** First byte and offset of the character being read. */
  private lead = 0;
  private leadOffset = 0;

  constructor(private readonly path: string) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    for (let i = 0; i < chunk.length; i++, this.offset++) {
      const b = chunk[i];
      if (this.need > 0) {
        if (b < this.lo || b > this.hi) return done(this.fail(this.lead, this.leadOffset));
        this.need -= 1;
        this.lo = 0x80;
        this.hi = 0xbf;
        continue;
      }
      if (b < 0x80) {
        if (b === 0x0a) this.line += 1;
        else if (b === 0)
          return done(new Error(`${this.path}:${this.line}: NUL byte at byte offset ${this.offset}; a text report holds none (is this a binary file?)`));
        continue;
      }
      this.lead = b;
      this.leadOffset = this.offset;
      if (b >= 0xc2 && b <= 0xdf) this.need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        this.need = 2;
        if (b === 0xe0) this.lo = 0xa0;
        if (b === 0xed) this.hi = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        this.need = 3;
        if (b === 0xf0) this.lo = 0x90;
        if (b === 0xf4) this.hi = 0x8f;
      } else return done(this.fail(b, this.offset));
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    done(this.need > 0 ? new Error(`${this.path}:${this.line}: not UTF-8 (the file ends inside a multi-byte character); convert it to UTF-8`) : null);
  }

  private fail(b: number, offset: number): Error {
    return new Error(`${this.path}:${this.line}: not UTF-8 (byte 0x${b.toString(16).padStart(2, '0')} at byte offset ${offset}); convert the file to UTF-8`);
  }
}

function resolveColumns(columns: string[], options: ReadReportsOptions, path: string) {
  const has = (c: string) => columns.includes(c);
  const idColumn = options.idColumn ?? ID_DEFAULTS.find(has);
  if (!idColumn || !has(idColumn)) {
    throw new Error(`${path}: no id column (${options.idColumn ?? ID_DEFAULTS.join('/')}) among: ${columns.join(', ')}`);
  }
  const textColumns = options.textColumns ?? (has('text') ? ['text'] : has('report') ? ['report'] : ['findings', 'impression']);
  const missing = textColumns.filter((c) => !has(c));
  if (!options.textColumns && missing.length === 1 && textColumns.length === 2) {
    const other = textColumns.find(has)!;
    throw new Error(`${path}: column "${missing[0]}" not found among: ${columns.join(', ')}; pass --text-column ${other} to distil ${other} alone`);
  }
  if (missing.length) {
    throw new Error(
      `${path}: text column(s) ${options.textColumns ? missing.join(', ') : 'text/report/findings+impression'} not found among: ${columns.join(', ')}`,
    );
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

interface Located {
  report: ReportInput;
  /** `file:line` of the record. */
  where: string;
}

async function* readCsv(path: string, options: ReadReportsOptions): AsyncGenerator<Located> {
  const source = createReadStream(path);
  const guard = new Utf8Guard(path);
  const parser = source.pipe(guard).pipe(parse({ columns: true, bom: true, relax_column_count: false, info: true }));
  // pipe() does not forward errors downstream
  source.once('error', (err) => guard.destroy(err));
  guard.once('error', (err) => parser.destroy(err));
  let cols: ReturnType<typeof resolveColumns> | undefined;
  try {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      cols ??= resolveColumns(Object.keys(rec.record), options, `${path}:1`);
      const where = `${path}:${rec.info.lines}`;
      yield { report: toReport(rec.record, cols, where), where };
    }
  } catch (err) {
    const msg = (err as Error).message;
    throw new Error(msg.startsWith(path) ? msg : `${path}: ${msg}`);
  }
}

async function* readJsonl(path: string, options: ReadReportsOptions): AsyncGenerator<Located> {
  const source = createReadStream(path);
  const guard = new Utf8Guard(path);
  source.once('error', (err) => guard.destroy(err));
  const bytes = source.pipe(guard);
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let n = 0;
  function* lines(text: string, final: boolean): Generator<string> {
    pending += text;
    let nl = pending.indexOf('\n');
    let from = 0;
    while (nl >= 0) {
      yield pending.slice(from, nl);
      from = nl + 1;
      nl = pending.indexOf('\n', from);
    }
    pending = pending.slice(from);
    if (final && pending) {
      yield pending;
      pending = '';
    }
  }
  const parseLine = (line: string): Located | undefined => {
    n += 1;
    const where = `${path}:${n}`;
    if (!line.trim()) return undefined;
    const record = parseJsonObjectLine(line, where);
    const cols = resolveColumns(Object.keys(record), options, where);
    return { report: toReport(record, cols, where), where };
  };
  for await (const chunk of bytes as AsyncIterable<Buffer>) {
    for (const line of lines(decoder.decode(chunk, { stream: true }), false)) {
      const r = parseLine(line.replace(/\r$/, ''));
      if (r) yield r;
    }
  }
  for (const line of lines(decoder.decode(), true)) {
    const r = parseLine(line.replace(/\r$/, ''));
    if (r) yield r;
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
