/**
 * Reads a run folder for the report, defensively: every file may be missing (a run still going,
 * stopped early, or made by an older version) or damaged (a torn last line), and the report says
 * so instead of failing. Only a folder that is no run at all is an error.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** A JSON object as read (fields unchecked). */
export type JsonObject = Record<string, unknown>;

/** One line of metrics.jsonl: the step and whatever numbers it logged. */
export interface MetricRow {
  step: number;
  values: Record<string, number>;
}

/** A PNG of the run with its step (from `step-NNNNNN.png`) and size. */
export interface RunPicture {
  file: string;
  step?: number;
  png: Uint8Array;
  width: number;
  height: number;
  /** The entity words' attention drawn at the same step (`attention-step-NNNNNN.png`), when the run draws it. */
  attention?: { file: string; png: Uint8Array; width: number; height: number };
}

/** A checkpoint file: size and its safetensors metadata (format, step, preset …). */
export interface CheckpointFile {
  file: string;
  bytes: number;
  metadata: Record<string, string>;
  tensors: number;
}

/** Something the reader could not use, naming the file (and line). */
export interface ReadIssue {
  file: string;
  message: string;
}

/** The ablation table a run belongs to (`<outDir>/ablation-<base>.json` with a row `<base>-<variant>` = this run). */
export interface AblationMembership {
  file: string;
  base: string;
  variant: string;
  rows: JsonObject[];
}

/** Everything the report uses from a run folder. */
export interface RunFolder {
  dir: string;
  name: string;
  config?: JsonObject;
  metrics: MetricRow[];
  pictures: RunPicture[];
  pretrainSummary?: JsonObject;
  /** evaluation.json: `{ results, difference }` (or a bare array of results from older versions). */
  evaluation?: JsonObject | unknown[];
  summary?: JsonObject;
  checkpoints: CheckpointFile[];
  ablation?: AblationMembership;
  /** Newest modification time of the files read. */
  modified?: Date;
  issues: ReadIssue[];
}

/** A folder that cannot be reported on (missing, not a folder, not a run). */
export class RunFolderError extends Error {}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `<dir>/<file>` as a JSON object (or array, when allowed); a missing file gives undefined, a bad one an issue. */
function readJsonObject(dir: string, file: string, issues: ReadIssue[], allowArray?: false): JsonObject | undefined;
function readJsonObject(dir: string, file: string, issues: ReadIssue[], allowArray: true): JsonObject | unknown[] | undefined;
function readJsonObject(dir: string, file: string, issues: ReadIssue[], allowArray = false): JsonObject | unknown[] | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (isObject(v) || (allowArray && Array.isArray(v))) return v as JsonObject | unknown[];
    issues.push({ file, message: `is not a JSON object${allowArray ? ' or array' : ''}; ignored` });
  } catch (e) {
    issues.push({ file, message: `cannot be read as JSON (${(e as Error).message}); ignored` });
  }
  return undefined;
}

/** Parses metrics.jsonl text: numeric fields per line; bad lines become issues naming the line. */
export function parseMetrics(text: string, file = 'metrics.jsonl'): { rows: MetricRow[]; issues: ReadIssue[] } {
  const rows: MetricRow[] = [];
  const issues: ReadIssue[] = [];
  const lines = text.split('\n');
  lines.forEach((line, k) => {
    if (line.trim() === '') return;
    const where = `${file}`;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      const last = k === lines.length - 1 || lines.slice(k + 1).every((l) => l.trim() === '');
      issues.push({ file: where, message: `line ${k + 1} is not JSON${last ? ' (a torn last line: the run was stopped while writing it)' : ''}; skipped` });
      return;
    }
    if (!isObject(v) || typeof v.step !== 'number' || !Number.isFinite(v.step)) {
      issues.push({ file: where, message: `line ${k + 1} has no numeric "step"; skipped` });
      return;
    }
    const values: Record<string, number> = {};
    for (const [key, x] of Object.entries(v)) if (key !== 'step' && typeof x === 'number') values[key] = x;
    rows.push({ step: v.step, values });
  });
  rows.sort((a, b) => a.step - b.step);
  return { rows, issues };
}

/** Width and height from a PNG's IHDR chunk, or undefined when the bytes are no PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || sig.some((b, i) => bytes[i] !== b)) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

/** The header of a safetensors file (metadata and tensor count) without reading its data. */
export function safetensorsHeader(path: string): { metadata: Record<string, string>; tensors: number } {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(8);
    if (readSync(fd, head, 0, 8, 0) !== 8) throw new Error('shorter than 8 bytes');
    const n = Number(head.readBigUInt64LE(0));
    const size = statSync(path).size;
    if (n <= 0 || n + 8 > size || n > 100_000_000) throw new Error(`declares a ${n}-byte header in a ${size}-byte file`);
    const json = Buffer.alloc(n);
    readSync(fd, json, 0, n, 8);
    const header = JSON.parse(json.toString('utf8')) as JsonObject;
    const meta = isObject(header.__metadata__) ? header.__metadata__ : {};
    return {
      metadata: Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, String(v)])),
      tensors: Object.keys(header).filter((k) => k !== '__metadata__').length,
    };
  } finally {
    closeSync(fd);
  }
}

function findAblation(dir: string, name: string, issues: ReadIssue[]): AblationMembership | undefined {
  const parent = dirname(dir);
  let files: string[];
  try {
    files = readdirSync(parent).filter((f) => /^ablation-.+\.json$/.test(f));
  } catch {
    return undefined;
  }
  for (const f of files) {
    const base = f.slice('ablation-'.length, -'.json'.length);
    if (!name.startsWith(`${base}-`)) continue;
    let rows: unknown;
    try {
      rows = JSON.parse(readFileSync(join(parent, f), 'utf8'));
    } catch (e) {
      issues.push({ file: join('..', f), message: `cannot be read as JSON (${(e as Error).message}); ignored` });
      continue;
    }
    if (!Array.isArray(rows)) continue;
    const variant = name.slice(base.length + 1);
    if (rows.some((r) => isObject(r) && r.variant === variant)) return { file: join(parent, f), base, variant, rows: rows.filter(isObject) };
  }
  return undefined;
}

/**
 * Reads the run folder `dir` (what `ecamp run`/`pretrain` write under `<outDir>/<name>/`).
 * @throws RunFolderError when `dir` is missing, not a folder, or has neither metrics.jsonl nor a summary
 */
export function readRunFolder(dir: string): RunFolder {
  const root = resolve(dir);
  if (!existsSync(root)) throw new RunFolderError(`${dir} does not exist`);
  if (!statSync(root).isDirectory()) throw new RunFolderError(`${dir} is not a folder (give the run folder, e.g. runs/tiny)`);
  const issues: ReadIssue[] = [];
  const has = (f: string) => existsSync(join(root, f));
  if (!has('metrics.jsonl') && !has('summary.json') && !has('pretrain-summary.json')) {
    throw new RunFolderError(
      `${dir} is not a run folder: it has no metrics.jsonl, summary.json or pretrain-summary.json ` +
        `(a run folder is what 'ecamp run' or 'ecamp pretrain' writes under <outDir>/<name>/)`,
    );
  }
  const times: number[] = [];
  const note = (p: string) => existsSync(p) && times.push(statSync(p).mtimeMs);

  const run: RunFolder = { dir: root, name: basename(root), metrics: [], pictures: [], checkpoints: [], issues };
  run.config = readJsonObject(root, 'config.json', issues);
  run.pretrainSummary = readJsonObject(root, 'pretrain-summary.json', issues);
  run.evaluation = readJsonObject(root, 'evaluation.json', issues, true);
  run.summary = readJsonObject(root, 'summary.json', issues);
  for (const f of ['config.json', 'pretrain-summary.json', 'evaluation.json', 'summary.json', 'metrics.jsonl']) note(join(root, f));
  if (typeof run.config?.name === 'string' && run.config.name !== run.name) {
    issues.push({ file: 'config.json', message: `names the run '${run.config.name}' but the folder is '${run.name}' (renamed or copied)` });
  }

  if (has('metrics.jsonl')) {
    const parsed = parseMetrics(readFileSync(join(root, 'metrics.jsonl'), 'utf8'));
    run.metrics = parsed.rows;
    issues.push(...parsed.issues);
  } else {
    issues.push({ file: 'metrics.jsonl', message: 'is missing: no training curves' });
  }

  const picDir = join(root, 'pictures');
  if (existsSync(picDir)) {
    const attention = new Map<number, NonNullable<RunPicture['attention']>>();
    for (const f of readdirSync(picDir)
      .filter((x) => x.toLowerCase().endsWith('.png'))
      .sort()) {
      const png = new Uint8Array(readFileSync(join(picDir, f)));
      const size = pngSize(png);
      if (!size) {
        issues.push({ file: join('pictures', f), message: 'is not a PNG; ignored' });
        continue;
      }
      note(join(picDir, f));
      const a = /^attention-step-(\d+)\.png$/.exec(f);
      if (a) {
        attention.set(Number(a[1]), { file: join('pictures', f), png, ...size });
        continue;
      }
      const m = /^step-(\d+)\.png$/.exec(f);
      run.pictures.push({ file: join('pictures', f), step: m ? Number(m[1]) : undefined, png, ...size });
    }
    run.pictures.sort((a, b) => (a.step ?? Infinity) - (b.step ?? Infinity) || a.file.localeCompare(b.file));
    // Each attention picture goes with the training picture of its step.
    for (const [step, pic] of [...attention].sort((x, y) => x[0] - y[0])) {
      const p = run.pictures.find((x) => x.step === step);
      if (p) p.attention = pic;
      else issues.push({ file: pic.file, message: `has no training picture of its step (pictures/step-${String(step).padStart(6, '0')}.png); ignored` });
    }
  }

  const ckDir = join(root, 'checkpoints');
  if (existsSync(ckDir)) {
    for (const f of readdirSync(ckDir)
      .filter((x) => x.endsWith('.safetensors'))
      .sort()) {
      const path = join(ckDir, f);
      try {
        const h = safetensorsHeader(path);
        run.checkpoints.push({ file: join('checkpoints', f), bytes: statSync(path).size, ...h });
      } catch (e) {
        issues.push({ file: join('checkpoints', f), message: `is not a readable safetensors file (${(e as Error).message})` });
      }
    }
  }
  run.ablation = findAblation(root, run.name, issues);
  if (times.length) run.modified = new Date(Math.max(...times));
  return run;
}

/** Reads a field path (`a.b.c`) of a JSON value, or undefined. */
export function field(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const k of path.split('.')) {
    if (!isObject(v)) return undefined;
    v = v[k];
  }
  return v;
}

/** A finite number at `path`, or undefined. */
export function numberAt(obj: unknown, path: string): number | undefined {
  const v = field(obj, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
