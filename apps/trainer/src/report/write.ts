/**
 * `ecamp report`'s entry point: recognises what it was given (a run folder, an ablation table or
 * the evidence folder), renders the page and writes it atomically; and the end-of-run hook that
 * never lets a report failure fail the run.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { tf } from '@ecamp/core';
import type { Logger } from '../run/logger.js';
import { writeFileAtomic } from '@ecamp/io';
import { readAblation, renderAblationReport } from './ablation-report.js';
import { entityAttentionPanel, type EntityAttentionOutcome } from './entity-attention.js';
import { isEvidenceFolder, readEvidenceFolder, renderEvidenceReport } from './evidence-report.js';
import { RunFolderError, readRunFolder } from './read-run.js';
import { renderRunReport, type BackendLine } from './run-report.js';

/** What a report is about. */
export type ReportKind = 'run' | 'ablation' | 'evidence';

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Output file (default: `report.html` in the run or evidence folder, `ablation-<name>.html` beside an ablation table). */
  out?: string;
  /** Compute the text→image attention panel from the run's checkpoint (default true; needs an initialised backend). */
  attention?: boolean;
  /** The backend the run used, when known (commands pass what `initBackend` returned). */
  backend?: BackendLine;
  /** Most training pictures embedded (default 8). */
  maxPictures?: number;
  log?: Logger;
}

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  kind: ReportKind;
  path: string;
  bytes: number;
}

/** Recognises `target`: a run folder, the evidence folder, or an `ablation-<name>.json`. */
export function reportKind(target: string): ReportKind {
  if (!existsSync(target)) throw new RunFolderError(`${target} does not exist`);
  if (statSync(target).isFile()) {
    if (/^ablation-.+\.json$/.test(basename(target))) return 'ablation';
    throw new RunFolderError(`${target} is a file; give a run folder (e.g. runs/tiny), the evidence folder, or an ablation table (runs/ablation-<name>.json)`);
  }
  return isEvidenceFolder(target) ? 'evidence' : 'run';
}

/** Renders and writes the report of `target`. @throws RunFolderError for something that is no run, ablation or evidence folder */
export async function writeReport(target: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const kind = reportKind(target);
  let html: string;
  let out: string;
  if (kind === 'ablation') {
    html = renderAblationReport(readAblation(target));
    out = options.out ?? join(dirname(resolve(target)), `${basename(target, '.json')}.html`);
  } else if (kind === 'evidence') {
    html = renderEvidenceReport(readEvidenceFolder(resolve(target)));
    out = options.out ?? join(resolve(target), 'report.html');
  } else {
    const run = readRunFolder(target);
    let attention: EntityAttentionOutcome | undefined;
    if (options.attention ?? true) {
      try {
        attention = await entityAttentionPanel(run, { log: options.log });
      } catch (e) {
        attention = { ok: false, reason: `computing it failed (${(e as Error).message.split('\n')[0]})` };
      }
    }
    html = renderRunReport(run, {
      backend: options.backend,
      attention,
      attentionBackend: attention?.ok ? tf.getBackend() : undefined,
      maxPictures: options.maxPictures,
    });
    out = options.out ?? join(run.dir, 'report.html');
  }
  writeFileAtomic(out, html);
  return { kind, path: out, bytes: Buffer.byteLength(html) };
}

/**
 * The end-of-run hook of `ecamp run`, `pretrain` and `ablate`: writes the report and logs where;
 * a failure is logged as a warning and never fails the run.
 * @returns the path written, or undefined on failure
 */
export async function reportAfterRun(target: string, log: Logger, options: Omit<WriteReportOptions, 'log'> = {}): Promise<string | undefined> {
  try {
    const r = await writeReport(target, { ...options, log });
    log.info(`report: ${r.path} (${(r.bytes / 1e6).toFixed(1)} MB; open it in a browser)`);
    return r.path;
  } catch (e) {
    log.warn(`report: not written for ${target}: ${(e as Error).message}`);
    return undefined;
  }
}
