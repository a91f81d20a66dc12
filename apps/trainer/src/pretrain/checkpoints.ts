/**
 * Resumable pre-training checkpoints in a run's `checkpoints/` folder: one file per saved step
 * (`step-000040.safetensors`, the last `log.keepCheckpoints` kept) and the final
 * `pretrain.safetensors`, each written atomically (temp file, fsync of the file and the folder,
 * rename) by `@ecamp/core`'s `saveCheckpoint`. A killed write leaves only a dot-named temp file,
 * which is never taken for a checkpoint and is swept on the next start.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@ecamp/io';

/** The `resumable` metadata of a checkpoint that can resume pre-training (next to core's `format`). */
export const RESUMABLE_FORMAT = 'ecamp-pretrain-state-1';

const STEP_FILE = /^step-(\d+)\.safetensors$/;

/** `step-000040.safetensors` */
export function stepCheckpointName(step: number): string {
  return `step-${String(step).padStart(6, '0')}.safetensors`;
}

/** The metadata of a safetensors file, reading only its header. Throws naming the file. */
export function readCheckpointMetadata(path: string): Record<string, string> {
  const fd = openSync(path, 'r');
  try {
    const prefix = Buffer.alloc(8);
    if (readSync(fd, prefix, 0, 8, 0) !== 8) throw new Error(`${path}: shorter than a safetensors header`);
    const n = Number(prefix.readBigUInt64LE(0));
    if (!(n > 1 && n < 100_000_000)) throw new Error(`${path}: header length ${n} is not plausible`);
    const header = Buffer.alloc(n);
    if (readSync(fd, header, 0, n, 8) !== n) throw new Error(`${path}: header cut short`);
    const parsed = JSON.parse(header.toString('utf8')) as { __metadata__?: Record<string, string> };
    return parsed.__metadata__ ?? {};
  } finally {
    closeSync(fd);
  }
}

/** One checkpoint found in a folder. */
export interface FoundCheckpoint {
  path: string;
  step: number;
  metadata: Record<string, string>;
}

/**
 * The resumable checkpoints of a `checkpoints/` folder, newest step first: the step files and the
 * final `pretrain.safetensors`. Temp files of a killed write (dot-named) are not candidates; a
 * named file that cannot be read is passed to `onBad` and skipped.
 */
export function listCheckpoints(dir: string, onBad: (path: string, why: string) => void = () => {}): FoundCheckpoint[] {
  if (!existsSync(dir)) return [];
  const found: FoundCheckpoint[] = [];
  for (const f of readdirSync(dir)) {
    if (!STEP_FILE.test(f) && f !== 'pretrain.safetensors') continue;
    const path = join(dir, f);
    try {
      const metadata = readCheckpointMetadata(path);
      const step = Number(metadata.step);
      if (metadata.resumable !== RESUMABLE_FORMAT || !Number.isInteger(step)) {
        onBad(path, 'not a resumable pre-training checkpoint (written before checkpoints held every RNG stream, or not by pre-training)');
        continue;
      }
      found.push({ path, step, metadata });
    } catch (e) {
      onBad(path, (e as Error).message);
    }
  }
  // Newest first; at equal steps the final file wins.
  return found.sort((a, b) => b.step - a.step || (a.path.endsWith('pretrain.safetensors') ? -1 : 1));
}

/** The newest resumable checkpoint of a folder, or undefined. */
export function latestCheckpoint(dir: string, onBad?: (path: string, why: string) => void): FoundCheckpoint | undefined {
  return listCheckpoints(dir, onBad)[0];
}

/** Deletes all but the newest `keep` step files; returns the deleted paths. */
export function pruneCheckpoints(dir: string, keep: number): string[] {
  const steps = readdirSync(dir)
    .map((f) => ({ f, m: STEP_FILE.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(b.m[1]) - Number(a.m[1]));
  const gone = steps.slice(keep).map((x) => join(dir, x.f));
  for (const p of gone) rmSync(p, { force: true });
  return gone;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files left by killed writes in `dir`: `@ecamp/io`'s `.<name>.<pid>.<n>.tmp` (every
 * atomic write: checkpoints, metrics, summaries) and the
 * trainer's older `<name>.tmp-<pid>`, of processes that no longer run. Returns the removed names.
 */
export function sweepTempFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const f of readdirSync(dir)) {
    const m = /^\..+\.(\d+)\.\d+\.tmp$/.exec(f) ?? /\.tmp-(\d+)$/.exec(f);
    if (!m || alive(Number(m[1]))) continue;
    rmSync(join(dir, f), { force: true });
    removed.push(f);
  }
  return removed;
}

/**
 * Keeps the lines of a JSONL metrics file up to `step` (lines without a step stay; a torn or
 * unreadable line is dropped), rewritten atomically. Returns how many lines were dropped.
 */
export function truncateMetrics(path: string, step: number): number {
  if (!existsSync(path)) return 0;
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const kept = lines.filter((l) => {
    try {
      const rec = JSON.parse(l) as { step?: unknown };
      return typeof rec.step !== 'number' || rec.step <= step;
    } catch {
      return false;
    }
  });
  if (kept.length !== lines.length) writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''));
  return lines.length - kept.length;
}

/** Removes `step-NNNNNN.png` and `attention-step-NNNNNN.png` pictures after `step` (the resumed run draws them again). */
export function removePicturesAfter(dir: string, step: number): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir)) {
    const m = /^(?:attention-)?step-(\d+)\.png$/.exec(f);
    if (m && Number(m[1]) > step) {
      rmSync(join(dir, f), { force: true });
      n++;
    }
  }
  return n;
}
