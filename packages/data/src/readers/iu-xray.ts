/**
 * IU X-ray / OpenI: `indiana_reports.csv` (uid, MeSH, Problems, image,
 * indication, comparison, findings, impression) and `indiana_projections.csv`
 * (uid, filename, projection). Frontal projections by default; one record per
 * image, each with its study's report.
 */
import { dirname } from 'node:path';
import { joinSections } from '../text/report.js';
import type { BadSampleLog } from './bad-samples.js';
import { readCsvRows } from './csv-read.js';
import { badLogFor, FirstRows, imageOk, resolveUnder } from './common.js';
import type { PretrainRecord, ReaderOptions } from './types.js';

/** One IU X-ray report (no image). */
export interface IuReport {
  uid: string;
  /** Expert MeSH tags, split on ';' (e.g. `Cardiomegaly/mild`), or ['normal']. */
  mesh: string[];
  findings: string;
  impression: string;
  /** findings + impression, whitespace-normalised. */
  text: string;
  line: number;
}

/** Reports by uid, and the uids whose rows were bad (already reported). */
function readReports(reportsCsv: string, bad: BadSampleLog): { reports: IuReport[]; badUids: Set<string> } {
  const { rows } = readCsvRows(reportsCsv, ['uid', 'findings', 'impression'], bad);
  const reports: IuReport[] = [];
  const badUids = new Set<string>();
  const seen = new FirstRows(bad);
  for (const r of rows) {
    const uid = r.values.uid.trim();
    if (!uid) {
      bad.report('missing-field', { file: reportsCsv, line: r.line, field: 'uid' }, 'empty uid');
      continue;
    }
    if (!seen.isFirst(uid, { file: reportsCsv, line: r.line, field: 'uid' })) continue;
    const s = joinSections(r.values.findings, r.values.impression);
    if (!s.text) {
      badUids.add(uid);
      bad.report('empty-report', { file: reportsCsv, line: r.line, field: 'findings' }, 'findings and impression are both empty');
      continue;
    }
    const mesh = (r.values.MeSH ?? '')
      .split(';')
      .map((t) => t.trim())
      .filter(Boolean);
    reports.push({ uid, mesh, findings: s.findings, impression: s.impression, text: s.text, line: r.line });
  }
  return { reports, badUids };
}

/** Reads `indiana_reports.csv`; reports with neither findings nor impression are bad samples (empty-report), a repeated uid a duplicate. */
export function readIuXrayReports(reportsCsv: string, options: ReaderOptions = {}): IuReport[] {
  return readReports(reportsCsv, badLogFor(options)).reports;
}

/** Options of {@link readIuXray}. */
export interface IuXrayOptions extends ReaderOptions {
  reportsCsv: string;
  projectionsCsv: string;
  /** Folder of the image files (default: the projections CSV's folder + `/images`). */
  imageRoot?: string;
  /** Projections to keep (default ['Frontal']); empty = all. */
  projections?: string[];
}

/**
 * Reads IU X-ray image–report pairs. An image whose uid has no report row is
 * a `no-match` bad sample (one whose report row was bad is counted there).
 */
export function readIuXray(options: IuXrayOptions): PretrainRecord[] {
  const bad = badLogFor(options);
  const { reports: list, badUids } = readReports(options.reportsCsv, bad);
  const reports = new Map(list.map((r) => [r.uid, r]));
  const keep = options.projections ?? ['Frontal'];
  const root = options.imageRoot ?? `${dirname(options.projectionsCsv)}/images`;
  const file = options.projectionsCsv;
  const { rows } = readCsvRows(file, ['uid', 'filename', 'projection'], bad);
  const seen = new FirstRows(bad);
  const out: PretrainRecord[] = [];
  for (const r of rows) {
    if (keep.length > 0 && !keep.includes(r.values.projection.trim())) continue;
    const uid = r.values.uid.trim();
    const rep = reports.get(uid);
    if (!rep) {
      // A bad report row was counted already; a uid with no report row at all is counted here.
      if (!badUids.has(uid)) bad.report('no-match', { file, line: r.line, field: 'uid' }, `uid "${uid}" has no row in ${options.reportsCsv}`);
      continue;
    }
    const name = r.values.filename.trim();
    if (!name) {
      bad.report('missing-field', { file, line: r.line, field: 'filename' }, 'empty file name');
      continue;
    }
    const imagePath = resolveUnder(root, name);
    if (!seen.isFirst(imagePath, { file, line: r.line, field: 'filename' })) continue;
    if (!imageOk(imagePath, options, bad, file, r.line, 'filename')) continue;
    out.push({ id: name.replace(/\.[^.]+$/, ''), imagePath, report: rep.text, origin: { file, line: r.line } });
  }
  return out;
}
