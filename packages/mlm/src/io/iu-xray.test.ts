import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import { readIuXrayReports } from './iu-xray.js';

describe('readIuXrayReports', () => {
  it('joins findings and impression and drops empty reports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlm-iu-'));
    const p = join(dir, 'r.csv');
    writeFileSync(
      p,
      'uid,MeSH,Problems,image,indication,comparison,findings,impression\n' +
        '2,normal,normal,"Chest, 2 views",x,None.,"Clear lungs, no effusion.",No acute disease.\n' +
        '4,normal,normal,x,x,x,,\n',
    );
    expect(readIuXrayReports(p)).toEqual([
      { uid: '2', mesh: 'normal', findings: 'Clear lungs, no effusion.', impression: 'No acute disease.', text: 'Clear lungs, no effusion. No acute disease.' },
    ]);
  });

  it('names the file and the missing column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlm-iu-'));
    const p = join(dir, 'bad.csv');
    writeFileSync(p, 'uid,text\n1,x\n');
    expect(() => readIuXrayReports(p)).toThrow(/bad\.csv has no column "MeSH"/);
  });

  const REL = 'iu-xray/reports-dev.csv';
  it.runIf(!skipWithoutSharedData(REL, 'reading the real IU X-ray reports'))('reads the real reports-dev.csv', () => {
    const reports = readIuXrayReports(sharedDataPath(REL)!);
    // 1,927 rows, a few with neither findings nor impression.
    expect(reports.length).toBeGreaterThan(1850);
    expect(reports.length).toBeLessThanOrEqual(1927);
    expect(reports[0].uid).toBe('2');
    expect(reports[0].text).toMatch(/^Borderline cardiomegaly\..*No acute pulmonary findings\.$/);
  });
});
