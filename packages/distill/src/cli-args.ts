import { parseArgs } from 'node:util';
import { type HostSpec, parseHostSpec } from './ollama-host.js';

/** Usage text of the `ecamp-distill` command. */
export const USAGE = `ecamp-distill — entity-centred context distillation of radiology reports (ECAMP step 1)

Usage:
  ecamp-distill --input REPORTS [--host URL[=PARALLEL]]... [--model NAME] [options]

Input:
  --input PATH            reports as CSV (header row) or JSONL with an id and a text
  --format csv|jsonl      default: from the file extension
  --id-column NAME        default: id, uid, study_id or dicom_id
  --text-column NAME      repeatable; default: text or report, else findings + impression
  --image-column NAME     default: img_path, image_path or path (copied to the CSV output)
  --max-report-chars N    reports longer than N characters are skipped (status "skipped" in the
                          outputs, counted on stderr), default 100000
  --allow-duplicate-ids   accept ids that repeat (default: an error naming both lines)

Output:
  --out-jsonl PATH        one JSON line per report: id, img_path, status, context, distillation
  --out-csv PATH          the authors' form img_path,report,llm_output plus an id column
                          (img_path empty when the input has no image column)
                          (outputs are written atomically after the run, in input order)

LLM through Ollama (the default whenever --host is given):
  --host URL[=PARALLEL]   an Ollama server, repeatable; PARALLEL = its OLLAMA_NUM_PARALLEL (default 1)
  --model NAME            model to use (required with --host), e.g. llama3.1:8b
  --journal PATH          durable cache, append-only JSONL (default: distill-journal.jsonl beside
                          the first output); finished reports are never redone, a killed run resumes
  --temperature X         default 0
  --seed N                default 0
  --timeout SECONDS       per request, default 120
  --max-attempts N        requests per report (re-asks included) before it is recorded failed, default 4
  --backoff SECONDS       first retry delay after a timeout/5xx/dropped connection, doubling, default 1
  --bench-after N         consecutive failures that bench a host, default 3
  --bench SECONDS         first bench duration, doubling while the host keeps failing, default 30
  --retry-failed          redo reports an earlier run recorded as failed
  --keep-alive DURATION   Ollama keep_alive for the model, e.g. 30m

Offline (no --host): the rule-based distiller (lexicon, NegEx-style negation/uncertainty,
descriptor attachment). It is announced on stderr, never silent.

Both:
  --lexicon PATH          JSON list of entity names or { "entities": [...] } (default: the authors' 44)
  -h, --help              this text

Input errors name the file and line: an empty or header-only file, a missing findings or
impression column (pass --text-column to use one alone), bytes that are not UTF-8, NUL bytes,
repeated ids.

Ctrl-C (or SIGTERM) with --host: no report is handed out any more, the requests in flight finish
(each by --timeout) and are recorded in the journal, exit 130; rerun the same command to resume.
A second Ctrl-C ends the requests in flight (their reports are asked again next time).

Exit status: 0 all reports distilled (or skipped as too long), 3 some failed (see the summary),
130 interrupted, 1 error.
`;

/** Parsed command line of `ecamp-distill`. */
export interface CliOptions {
  help: boolean;
  input?: string;
  format?: 'csv' | 'jsonl';
  idColumn?: string;
  textColumns?: string[];
  imageColumn?: string;
  /** Reports longer than this are skipped (default 100000). */
  maxReportChars: number;
  allowDuplicateIds: boolean;
  outJsonl?: string;
  outCsv?: string;
  hosts: HostSpec[];
  model?: string;
  journal?: string;
  temperature: number;
  seed: number;
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  benchAfter: number;
  benchMs: number;
  retryFailed: boolean;
  keepAlive?: string;
  lexicon?: string;
}

function num(name: string, value: string | undefined, fallback: number, check: (n: number) => boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`--${name}: invalid value "${value}"`);
  return n;
}

/** Parses and checks `ecamp-distill` arguments; errors name the option. */
export function parseCliArgs(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      input: { type: 'string' },
      format: { type: 'string' },
      'id-column': { type: 'string' },
      'text-column': { type: 'string', multiple: true },
      'image-column': { type: 'string' },
      'max-report-chars': { type: 'string' },
      'allow-duplicate-ids': { type: 'boolean' },
      'out-jsonl': { type: 'string' },
      'out-csv': { type: 'string' },
      host: { type: 'string', multiple: true },
      model: { type: 'string' },
      journal: { type: 'string' },
      temperature: { type: 'string' },
      seed: { type: 'string' },
      timeout: { type: 'string' },
      'max-attempts': { type: 'string' },
      backoff: { type: 'string' },
      'bench-after': { type: 'string' },
      bench: { type: 'string' },
      'retry-failed': { type: 'boolean' },
      'keep-alive': { type: 'string' },
      lexicon: { type: 'string' },
    },
  });
  const opts: CliOptions = {
    help: Boolean(values.help),
    input: values.input,
    idColumn: values['id-column'],
    textColumns: values['text-column'],
    imageColumn: values['image-column'],
    maxReportChars: num('max-report-chars', values['max-report-chars'], 100_000, (n) => Number.isInteger(n) && n >= 1),
    allowDuplicateIds: Boolean(values['allow-duplicate-ids']),
    outJsonl: values['out-jsonl'],
    outCsv: values['out-csv'],
    hosts: (values.host ?? []).map(parseHostSpec),
    model: values.model,
    journal: values.journal,
    temperature: num('temperature', values.temperature, 0, (n) => n >= 0 && n <= 2),
    seed: num('seed', values.seed, 0, Number.isInteger),
    timeoutMs: 1000 * num('timeout', values.timeout, 120, (n) => n > 0),
    maxAttempts: num('max-attempts', values['max-attempts'], 4, (n) => Number.isInteger(n) && n >= 1),
    backoffMs: 1000 * num('backoff', values.backoff, 1, (n) => n >= 0),
    benchAfter: num('bench-after', values['bench-after'], 3, (n) => Number.isInteger(n) && n >= 1),
    benchMs: 1000 * num('bench', values.bench, 30, (n) => n >= 0),
    retryFailed: Boolean(values['retry-failed']),
    keepAlive: values['keep-alive'],
    lexicon: values.lexicon,
  };
  if (values.format !== undefined) {
    if (values.format !== 'csv' && values.format !== 'jsonl') throw new Error(`--format: expected csv or jsonl, got "${values.format}"`);
    opts.format = values.format;
  }
  if (opts.help) return opts;
  if (!opts.input) throw new Error('--input is required (see --help)');
  if (!opts.outJsonl && !opts.outCsv && opts.hosts.length === 0) throw new Error('give --out-jsonl and/or --out-csv (see --help)');
  if (opts.hosts.length > 0 && !opts.model) throw new Error('--model is required with --host');
  if (opts.hosts.length === 0 && opts.model) throw new Error('--model needs at least one --host (without one the offline rule-based distiller runs)');
  return opts;
}
