import { AtomicFile } from './atomic-file.js';
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
  /** `missing`: not in the journal (the run was interrupted before it). */
  status: 'done' | 'failed' | 'missing';
  /** Rendered context text; "" unless done. */
  context: string;
  distillation?: Distillation;
  reason?: string;
}

/** Output files; either may be omitted. */
export interface OutputPaths {
  /** JSONL: `{ id, img_path, status, context, distillation, reason? }` per report. */
  jsonl?: string;
  /** The authors' CSV form: `img_path,report,llm_output` (llm_output empty when not done). */
  csv?: string;
}

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Writes the rows, in input order, to JSONL and/or the authors' CSV, each atomically (temporary
 * file, fsync, rename). Returns how many rows were written.
 */
export async function writeOutputs(rows: AsyncIterable<OutputRow> | Iterable<OutputRow>, paths: OutputPaths): Promise<number> {
  const jsonl = paths.jsonl ? new AtomicFile(paths.jsonl) : undefined;
  const csv = paths.csv ? new AtomicFile(paths.csv) : undefined;
  let n = 0;
  try {
    csv?.write('img_path,report,llm_output\n');
    for await (const row of rows) {
      n += 1;
      jsonl?.write(
        `${JSON.stringify({ id: row.id, img_path: row.imagePath, status: row.status, context: row.context, distillation: row.distillation ?? null, ...(row.reason ? { reason: row.reason } : {}) })}\n`,
      );
      csv?.write(`${[row.imagePath, row.report, row.context].map(csvField).join(',')}\n`);
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

/** Output rows of an Ollama run: each input report looked up in the journal by its cache key. */
export async function* journalRows(
  reports: AsyncIterable<ReportInput> | Iterable<ReportInput>,
  journal: Journal,
  promptVersion: string,
  model: string,
): AsyncGenerator<OutputRow> {
  for await (const r of reports) {
    const rec = journal.get(cacheKey(promptVersion, model, r.text));
    yield {
      id: r.id,
      imagePath: r.imagePath ?? '',
      report: r.text,
      status: rec?.status ?? 'missing',
      context: rec?.status === 'done' ? (rec.context ?? '') : '',
      distillation: rec?.status === 'done' ? rec.distillation : undefined,
      reason: rec?.status === 'failed' ? rec.reason : undefined,
    };
  }
}

/** Output rows of the offline path: each report distilled by the rule-based distiller. */
export async function* ruleRows(reports: AsyncIterable<ReportInput> | Iterable<ReportInput>, distiller: RuleDistiller): AsyncGenerator<OutputRow> {
  for await (const r of reports) {
    const distillation = distiller.distill(r.text);
    yield { id: r.id, imagePath: r.imagePath ?? '', report: r.text, status: 'done', context: renderContext(distillation), distillation };
  }
}
