/**
 * MIMIC-CXR-JPG: images `files/pXX/pNNNNNNNN/sNNNNNNNN/<dicom_id>.jpg`, free-text
 * reports `files/pXX/pNNNNNNNN/sNNNNNNNN.txt` (from MIMIC-CXR), the official
 * split CSV (`dicom_id, subject_id, study_id, split`) and the metadata CSV
 * (`dicom_id, …, ViewPosition, …`). Frontal views (PA, AP) by default.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractReportSections } from '../text/report.js';
import { readCsvRows } from './csv-read.js';
import { badLogFor, imageOk } from './common.js';
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

/** Reads MIMIC-CXR-JPG pairs for one split. Reports are read once per study. */
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
  const reportCache = new Map<string, string | null>();
  const out: PretrainRecord[] = [];
  for (const r of rows) {
    const v = r.values;
    if (v.split.trim() !== split) continue;
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
    let text = reportCache.get(reportPath);
    if (text === undefined) {
      text = existsSync(reportPath) ? extractReportSections(readFileSync(reportPath, 'utf8')).text : null;
      reportCache.set(reportPath, text);
    }
    if (text === null) {
      bad.report('missing-field', { file: options.splitCsv, line: r.line, field: 'study_id' }, `report ${reportPath} does not exist`);
      continue;
    }
    if (!text) {
      bad.report('empty-report', { file: reportPath }, 'no FINDINGS or IMPRESSION section');
      continue;
    }
    const imagePath = join(options.root, studyDir, `${v.dicom_id.trim()}.jpg`);
    if (!imageOk(imagePath, options, bad, options.splitCsv, r.line, 'dicom_id')) continue;
    out.push({ id: v.dicom_id.trim(), imagePath, report: text, origin: { file: options.splitCsv, line: r.line } });
  }
  return out;
}
