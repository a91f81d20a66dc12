/** Reading the IU X-ray (OpenI) report table. */
import { readFileSync } from 'node:fs';
import { parseCsvRecords } from './csv.js';

/** One IU X-ray report. */
export interface IuXrayReport {
  uid: string;
  /** Expert MeSH tags, e.g. `Opacity/lung/upper lobe/right/streaky;Cardiomegaly/mild` or `normal`. */
  mesh: string;
  findings: string;
  impression: string;
  /** Findings then impression, joined with a space (the report text used for MLM). */
  text: string;
}

const REQUIRED = ['uid', 'MeSH', 'findings', 'impression'];

/**
 * Read `indiana_reports.csv`-style files (columns uid, MeSH, Problems, image,
 * indication, comparison, findings, impression). Reports whose findings and
 * impression are both empty are dropped.
 */
export function readIuXrayReports(path: string): IuXrayReport[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`readIuXrayReports: cannot read ${path}: ${(e as Error).message}`);
  }
  const records = parseCsvRecords(text, path);
  if (records.length > 0) {
    for (const col of REQUIRED) {
      if (!(col in records[0])) throw new Error(`readIuXrayReports: ${path} has no column "${col}"`);
    }
  }
  const out: IuXrayReport[] = [];
  for (const r of records) {
    const findings = r.findings.trim();
    const impression = r.impression.trim();
    const joined = [findings, impression].filter((s) => s !== '').join(' ');
    if (joined === '') continue;
    out.push({ uid: r.uid, mesh: r.MeSH, findings, impression, text: joined });
  }
  return out;
}
