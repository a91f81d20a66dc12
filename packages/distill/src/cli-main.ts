import { dirname, join } from 'node:path';
import { type CliOptions, USAGE, parseCliArgs } from './cli-args.js';
import { Journal } from './journal.js';
import { type EntityLexicon, chestXrayEntities, loadEntityLexicon } from '@ecamp/io';
import { distillWithOllama } from './ollama-run.js';
import { journalRows, ruleRows, writeOutputs } from './outputs.js';
import type { ReportInput } from './reports-input.js';
import { Progress, type ProgressStream, formatSummary } from './progress.js';
import { promptFingerprint } from './prompt.js';
import { type ReadReportsOptions, readReports } from './reports-input.js';
import { RuleDistiller } from './rule-distiller.js';

/** Streams the CLI writes to. */
export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
}

/**
 * Runs `ecamp-distill` with the given arguments and returns its exit status (0 all distilled,
 * 3 some failed, 130 interrupted through `signal`, 1 usage or input error). `signal` stops the run
 * with the requests in flight finishing and recorded; `cancel` ends those requests too.
 */
export async function runCli(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
  signal?: AbortSignal,
  cancel?: AbortSignal,
): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCliArgs(argv);
  } catch (err) {
    io.stderr.write(`ecamp-distill: ${(err as Error).message}\n`);
    return 1;
  }
  if (opts.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    const lexicon = opts.lexicon ? loadEntityLexicon(opts.lexicon) : chestXrayEntities();
    const readOpts: ReadReportsOptions = {
      format: opts.format,
      idColumn: opts.idColumn,
      textColumns: opts.textColumns,
      imageColumn: opts.imageColumn,
      allowDuplicateIds: opts.allowDuplicateIds,
    };
    const paths = { jsonl: opts.outJsonl, csv: opts.outCsv };
    if (opts.hosts.length === 0) return await runOffline(opts, lexicon, readOpts, paths, io);
    return await runOllama(opts, lexicon, readOpts, paths, io, signal, cancel);
  } catch (err) {
    io.stderr.write(`ecamp-distill: ${(err as Error).message}\n`);
    return 1;
  }
}

async function runOffline(opts: CliOptions, lexicon: EntityLexicon, readOpts: ReadReportsOptions, paths: { jsonl?: string; csv?: string }, io: CliIo) {
  io.stderr.write('ecamp-distill: no --host given: distilling OFFLINE with the rule-based distiller (no LLM). Pass --host and --model to use Ollama.\n');
  const started = Date.now();
  const tooLong = { count: 0 };
  const reports = countTooLong(readReports(opts.input!, readOpts), opts.maxReportChars, tooLong);
  const n = await writeOutputs(ruleRows(reports, new RuleDistiller({ lexicon }), opts.maxReportChars), paths);
  const done = n - tooLong.count;
  io.stderr.write(
    `${formatSummary({ total: n, done, cached: 0, failed: 0, failedByReason: {}, interrupted: false })} (rule-based) in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
  );
  warnTooLong(io, tooLong.count, opts.maxReportChars);
  return 0;
}

/** Passes every report through, counting those longer than `maxChars`. */
async function* countTooLong(reports: AsyncIterable<ReportInput>, maxChars: number, counter: { count: number }): AsyncGenerator<ReportInput> {
  for await (const r of reports) {
    if (r.text.length > maxChars) counter.count += 1;
    yield r;
  }
}

/** Only the reports that are not longer than `maxChars`, counting the others. */
async function* withinLimit(reports: AsyncIterable<ReportInput>, maxChars: number, counter: { count: number }): AsyncGenerator<ReportInput> {
  for await (const r of reports) {
    if (r.text.length > maxChars) counter.count += 1;
    else yield r;
  }
}

function warnTooLong(io: CliIo, count: number, maxChars: number): void {
  if (count > 0) {
    io.stderr.write(
      `ecamp-distill: WARNING skipped ${count} report(s) longer than --max-report-chars ${maxChars} characters (status "skipped" in the outputs)\n`,
    );
  }
}

async function runOllama(
  opts: CliOptions,
  lexicon: EntityLexicon,
  readOpts: ReadReportsOptions,
  paths: { jsonl?: string; csv?: string },
  io: CliIo,
  signal?: AbortSignal,
  cancel?: AbortSignal,
) {
  let total = 0;
  for await (const _ of readReports(opts.input!, readOpts)) total += 1;
  const firstOut = opts.outJsonl ?? opts.outCsv;
  const journalPath = opts.journal ?? join(firstOut ? dirname(firstOut) : '.', 'distill-journal.jsonl');
  const journal = Journal.open(journalPath);
  try {
    const progress = new Progress({ total, stream: io.stderr });
    progress.log(
      `ecamp-distill: ${total} reports, model ${opts.model}, ${opts.hosts.length} host(s), journal ${journalPath} (${journal.size} records${journal.truncatedBytes ? `, cut a torn last line of ${journal.truncatedBytes} bytes` : ''})`,
    );
    const tooLong = { count: 0 };
    const summary = await distillWithOllama(withinLimit(readReports(opts.input!, readOpts), opts.maxReportChars, tooLong), {
      hosts: opts.hosts,
      model: opts.model!,
      journal,
      lexicon,
      temperature: opts.temperature,
      seed: opts.seed,
      timeoutMs: opts.timeoutMs,
      maxAttempts: opts.maxAttempts,
      backoffMs: opts.backoffMs,
      benchAfter: opts.benchAfter,
      benchMs: opts.benchMs,
      retryFailed: opts.retryFailed,
      keepAlive: opts.keepAlive,
      signal,
      cancel,
      onEvent: (e) => progress.onEvent(e),
    });
    progress.finish(summary);
    warnTooLong(io, tooLong.count, opts.maxReportChars);
    if (summary.interrupted) {
      io.stderr.write('ecamp-distill: interrupted; finished reports are in the journal, rerun the same command to resume.\n');
      return 130;
    }
    if (paths.jsonl || paths.csv) {
      await writeOutputs(journalRows(readReports(opts.input!, readOpts), journal, promptFingerprint(lexicon), opts.model!, opts.maxReportChars), paths);
    }
    return summary.failed > 0 ? 3 : 0;
  } finally {
    journal.close();
  }
}
