/**
 * MIMIC-CXR-JPG: images `files/pXX/pNNNNNNNN/sNNNNNNNN/<dicom_id>.jpg`, free-text
 * reports `files/pXX/pNNNNNNNN/sNNNNNNNN.txt` (from MIMIC-CXR), the official
 * split CSV (`dicom_id, subject_id, study_id, split`) and the metadata CSV
 * (`dicom_id, …, ViewPosition, …`). Frontal views (PA, AP) by default.
 */
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractReportSections, textProblem } from '../text/report.js';
import { readCsvRows } from './csv-read.js';
import { badLogFor, FirstRows, imageOk } from './common.js';
import type { PretrainRecord, ReaderOptions } from './types.js';

/** Options of {@link readMimicCxr}. */
export interface MimicCxrOptions extends ReaderOptions {
  /** Folder holding `files/` (images). */
  root: string;
  /** Folder holding the reports' `files/` tree (default: `root`). */
  reportsRoot?: string;
  /** `mimic-cxr-2.0.0-split.csv`. */
  splitCsv: string;
  /** `mimic-cxr-2.0.0-metadata.csv` (needed for the view filter). */
  metadataCsv?: string;
  /** Which split (default `train`). */
  split?: 'train' | 'validate' | 'test';
  /** Allowed ViewPosition values (default PA and AP); empty = all. */
  views?: string[];
}

/** Path of a study's folder: `files/p10/p10000032/s50414267`. */
export function mimicStudyDir(subjectId: string, studyId: string): string {
  const subject = subjectId.replace(/^p/, '');
  const study = studyId.replace(/^s/, '');
  return join('files', `p${subject.slice(0, 2)}`, `p${subject}`, `s${study}`);
}

/** A study's report: its training text, why it is not text, or null when the file is absent. */
function readReportFile(path: string): { text: string } | { problem: string } | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { problem: `cannot read the report (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  const raw = bytes.toString('utf8');
  const problem = textProblem(raw, !isUtf8(bytes));
  return problem ? { problem } : { text: extractReportSections(raw).text };
}

/**
 * Reads MIMIC-CXR-JPG pairs for one split. Reports are read once per study; a
 * report file with NUL or control bytes or bytes that are not UTF-8 is a
 * `binary-data` bad sample, a second row of one dicom_id a duplicate.
 */
export function readMimicCxr(options: MimicCxrOptions): PretrainRecord[] {
  const bad = badLogFor(options);
  const split = options.split ?? 'train';
  const views = options.views ?? ['PA', 'AP'];
  const reportsRoot = options.reportsRoot ?? options.root;
  let viewOf: Map<string, string> | null = null;
  if (views.length > 0) {
    if (!options.metadataCsv) throw new Error('readMimicCxr: a view filter needs metadataCsv (or pass views: [])');
    const meta = readCsvRows(options.metadataCsv, ['dicom_id', 'ViewPosition'], bad);
    viewOf = new Map(meta.rows.map((r) => [r.values.dicom_id, r.values.ViewPosition.trim()]));
  }
  const { rows } = readCsvRows(options.splitCsv, ['dicom_id', 'subject_id', 'study_id', 'split'], bad);
  const reportCache = new Map<string, { text: string } | { problem: string } | null>();
  const seen = new FirstRows(bad);
  const out: PretrainRecord[] = [];
  for (const r of rows) {
    const v = r.values;
    if (v.split.trim() !== split) continue;
    const dicomId = v.dicom_id.trim();
    if (!dicomId) {
      bad.report('missing-field', { file: options.splitCsv, line: r.line, field: 'dicom_id' }, 'empty dicom_id');
      continue;
    }
    if (!seen.isFirst(dicomId, { file: options.splitCsv, line: r.line, field: 'dicom_id' })) continue;
    if (viewOf) {
      const view = viewOf.get(v.dicom_id);
      if (view === undefined) {
        bad.report('no-match', { file: options.splitCsv, line: r.line, field: 'dicom_id' }, `${v.dicom_id} not in ${options.metadataCsv}`);
        continue;
      }
      if (!views.includes(view)) continue;
    }
    const studyDir = mimicStudyDir(v.subject_id.trim(), v.study_id.trim());
    const reportPath = join(reportsRoot, `${studyDir}.txt`);
    let report = reportCache.get(reportPath);
    if (report === undefined) {
      report = readReportFile(reportPath);
      reportCache.set(reportPath, report);
    }
    if (report === null) {
      bad.report('missing-field', { file: options.splitCsv, line: r.line, field: 'study_id' }, `report ${reportPath} does not exist`);
      continue;
    }
    if ('problem' in report) {
      bad.report('binary-data', { file: reportPath }, `${report.problem} (split CSV line ${r.line})`);
      continue;
    }
    if (!report.text) {
      bad.report('empty-report', { file: reportPath }, `no FINDINGS or IMPRESSION section (split CSV line ${r.line})`);
      continue;
    }
    const imagePath = join(options.root, studyDir, `${dicomId}.jpg`);
    if (!imageOk(imagePath, options, bad, options.splitCsv, r.line, 'dicom_id')) continue;
    out.push({ id: dicomId, imagePath, report: report.text, origin: { file: options.splitCsv, line: r.line } });
  }
  return out;
}
