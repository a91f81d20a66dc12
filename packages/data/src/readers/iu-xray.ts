/**
 * IU X-ray / OpenI: `indiana_reports.csv` (uid, MeSH, Problems, image,
 * indication, comparison, findings, impression) and `indiana_projections.csv`
 * (uid, filename, projection). Frontal projections by default; one record per
 * image, each with its study's report.
 */
import { dirname } from 'node:path';
import { joinSections } from '../text/report.js';
import { readCsvRows } from './csv-read.js';
import { badLogFor, imageOk, resolveUnder } from './common.js';
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

/** Reads `indiana_reports.csv`; reports with neither findings nor impression are bad samples (empty-report). */
export function readIuXrayReports(reportsCsv: string, options: ReaderOptions = {}): IuReport[] {
  const bad = badLogFor(options);
  const { rows } = readCsvRows(reportsCsv, ['uid', 'findings', 'impression'], bad);
  const out: IuReport[] = [];
  for (const r of rows) {
    const s = joinSections(r.values.findings, r.values.impression);
    if (!s.text) {
      bad.report('empty-report', { file: reportsCsv, line: r.line, field: 'findings' }, 'findings and impression are both empty');
      continue;
    }
    const mesh = (r.values.MeSH ?? '').split(';').map((t) => t.trim()).filter(Boolean);
    out.push({ uid: r.values.uid.trim(), mesh, findings: s.findings, impression: s.impression, text: s.text, line: r.line });
  }
  return out;
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

/** Reads IU X-ray image–report pairs. */
export function readIuXray(options: IuXrayOptions): PretrainRecord[] {
  const bad = badLogFor(options);
  const reports = new Map(readIuXrayReports(options.reportsCsv, { ...options, badSamples: bad }).map((r) => [r.uid, r]));
  const keep = options.projections ?? ['Frontal'];
  const root = options.imageRoot ?? `${dirname(options.projectionsCsv)}/images`;
  const file = options.projectionsCsv;
  const { rows } = readCsvRows(file, ['uid', 'filename', 'projection'], bad);
  const out: PretrainRecord[] = [];
  for (const r of rows) {
    if (keep.length > 0 && !keep.includes(r.values.projection.trim())) continue;
    const rep = reports.get(r.values.uid.trim());
    if (!rep) {
      // Its report was empty (already counted) or is absent from the reports CSV.
      continue;
    }
    const imagePath = resolveUnder(root, r.values.filename.trim());
    if (!imageOk(imagePath, options, bad, file, r.line, 'filename')) continue;
    out.push({ id: r.values.filename.trim().replace(/\.[^.]+$/, ''), imagePath, report: rep.text, origin: { file, line: r.line } });
  }
  return out;
}
