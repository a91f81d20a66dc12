import { AtomicFile, csvField } from '@ecamp/io';
import { cacheKey } from './cache-key.js';
import type { Journal } from './journal.js';
import { renderContext } from './render.js';
import type { ReportInput } from './reports-input.js';
import type { RuleDistiller } from './rule-distiller.js';
import type { Distillation } from './schema.js';

/** One report's result as written to the outputs. */
export interface OutputRow {
  id: string;
  imagePath: string;
  report: string;
  /** `missing`: not in the journal (the run was interrupted before it); `skipped`: not distilled (`reason` says why, e.g. too long). */
  status: 'done' | 'failed' | 'missing' | 'skipped';
  /** Rendered context text; "" unless done. */
  context: string;
  distillation?: Distillation;
  reason?: string;
}

/** Output files; either may be omitted. */
export interface OutputPaths {
  /** JSONL: `{ id, img_path, status, context, distillation, reason? }` per report. */
  jsonl?: string;
  /**
   * The authors' CSV form `img_path,report,llm_output` plus an `id` column, so rows can be matched
   * back to inputs without an image column (img_path is then empty). llm_output is empty when not done.
   */
  csv?: string;
}

/**
 * Writes the rows, in input order, to JSONL and/or the authors' CSV, each atomically (temporary
 * file, fsync, rename). Stale temporary files of killed runs are removed first; on any failure
 * (an unwritable path, bad input) the temporary files of this call are removed too. Returns how
 * many rows were written.
 */
export async function writeOutputs(rows: AsyncIterable<OutputRow> | Iterable<OutputRow>, paths: OutputPaths): Promise<number> {
  let jsonl: AtomicFile | undefined;
  let csv: AtomicFile | undefined;
  let n = 0;
  try {
    jsonl = paths.jsonl ? new AtomicFile(paths.jsonl) : undefined;
    csv = paths.csv ? new AtomicFile(paths.csv) : undefined;
    csv?.write('img_path,report,llm_output,id\n');
    for await (const row of rows) {
      n += 1;
      jsonl?.write(
        `${JSON.stringify({ id: row.id, img_path: row.imagePath, status: row.status, context: row.context, distillation: row.distillation ?? null, ...(row.reason ? { reason: row.reason } : {}) })}\n`,
      );
      csv?.write(`${[row.imagePath, row.report, row.context, row.id].map(csvField).join(',')}\n`);
    }
    jsonl?.commit();
    csv?.commit();
  } catch (err) {
    jsonl?.discard();
    csv?.discard();
    throw err;
  }
  return n;
}

/**
 * Output rows of an Ollama run: each input report looked up in the journal by its cache key; the
 * context is rendered again from the stored distillation (so a renderer update reaches old
 * journals). Reports longer than `maxChars` become `skipped` rows.
 */
export async function* journalRows(
  reports: AsyncIterable<ReportInput> | Iterable<ReportInput>,
  journal: Journal,
  promptVersion: string,
  model: string,
  maxChars = DEFAULT_MAX_REPORT_CHARS,
): AsyncGenerator<OutputRow> {
  yield* rowsOrSkips(reports, maxChars, (r) => {
    const rec = journal.get(cacheKey(promptVersion, model, r.text));
    const done = rec?.status === 'done';
    return {
      id: r.id,
      imagePath: r.imagePath ?? '',
      report: r.text,
      status: rec?.status ?? 'missing',
      context: done ? (rec.distillation ? renderContext(rec.distillation) : (rec.context ?? '')) : '',
      distillation: done ? rec.distillation : undefined,
      reason: rec?.status === 'failed' ? rec.reason : undefined,
    };
  });
}

/** Each report's row made by `row`, in input order, except that a report longer than `maxChars` gets its skip row instead. */
async function* rowsOrSkips(
  reports: AsyncIterable<ReportInput> | Iterable<ReportInput>,
  maxChars: number,
  row: (r: ReportInput) => OutputRow,
): AsyncGenerator<OutputRow> {
  for await (const r of reports) yield tooLongRow(r, maxChars) ?? row(r);
}

/** A report longer than this many characters is skipped, not distilled (default of `--max-report-chars`). */
export const DEFAULT_MAX_REPORT_CHARS = 100_000;

/** The skip row of a report longer than `maxChars`, or undefined when it may be distilled. */
export function tooLongRow(r: ReportInput, maxChars: number): OutputRow | undefined {
  if (r.text.length <= maxChars) return undefined;
  return {
    id: r.id,
    imagePath: r.imagePath ?? '',
    report: r.text,
    status: 'skipped',
    context: '',
    reason: `too-long (${r.text.length} > ${maxChars} characters)`,
  };
}

/**
 * Output rows of the offline path: each report distilled by the rule-based distiller; reports
 * longer than `maxChars` (default {@link DEFAULT_MAX_REPORT_CHARS}) become `skipped` rows.
 */
export async function* ruleRows(
  reports: AsyncIterable<ReportInput> | Iterable<ReportInput>,
  distiller: RuleDistiller,
  maxChars = DEFAULT_MAX_REPORT_CHARS,
): AsyncGenerator<OutputRow> {
  yield* rowsOrSkips(reports, maxChars, (r) => {
    const distillation = distiller.distill(r.text);
    return { id: r.id, imagePath: r.imagePath ?? '', report: r.text, status: 'done', context: renderContext(distillation), distillation };
  });
}
