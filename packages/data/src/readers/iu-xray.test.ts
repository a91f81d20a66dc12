import { join } from 'node:path';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpTree } from '../../test/helpers/tmp.js';
import { BadSampleLog } from './bad-samples.js';
import { readIuXray, readIuXrayReports } from './iu-xray.js';

describe('IU X-ray readers', () => {
  const t = tmpTree({
    'indiana_reports.csv':
      'uid,MeSH,Problems,image,indication,comparison,findings,impression\n1,normal,normal,x,,,"The heart is normal.  Lungs clear.",No acute disease.\n2,Cardiomegaly/mild,Cardiomegaly,x,,,,\n',
    'indiana_projections.csv':
      'uid,filename,projection\n1,1_IM-0001-4001.dcm.png,Frontal\n1,1_IM-0001-3001.dcm.png,Lateral\n2,2_IM-0652-1001.dcm.png,Frontal\n',
    'images/1_IM-0001-4001.dcm.png': 'x',
  });
  afterAll(t.cleanup);

  it('pairs frontal images with their report and reports empty reports', () => {
    const log = new BadSampleLog('skip', () => {});
    const recs = readIuXray({ reportsCsv: join(t.dir, 'indiana_reports.csv'), projectionsCsv: join(t.dir, 'indiana_projections.csv'), badSamples: log });
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ id: '1_IM-0001-4001.dcm', report: 'The heart is normal. Lungs clear. No acute disease.' });
    expect(log.summary()).toEqual({ 'empty-report': 1 });
  });

  it('reads the real IU X-ray reports with MeSH tags', () => {
    if (skipWithoutSharedData('iu-xray/reports-dev.csv', 'IU X-ray reports reader on real data')) return;
    const log = new BadSampleLog('skip', () => {});
    const reps = readIuXrayReports(sharedDataPath('iu-xray/reports-dev.csv')!, { badSamples: log });
    expect(reps.length + log.total).toBe(1927);
    expect(reps.length).toBeGreaterThan(1800);
    const uid2 = reps.find((r) => r.uid === '2')!;
    expect(uid2.mesh).toEqual(['Cardiomegaly/borderline', 'Pulmonary Artery/enlarged']);
    expect(uid2.text.startsWith('Borderline cardiomegaly.')).toBe(true);
    for (const r of reps) expect(r.text).not.toMatch(/\s{2,}|^\s|\s$/);
  });

  it('counts an image whose uid has no report row (no-match) and a repeated uid (duplicate)', () => {
    const u = tmpTree({
      'reports.csv': 'uid,findings,impression\n1,Clear.,Normal.\n2,,\n1,Other.,Text.\n',
      'proj.csv': 'uid,filename,projection\n1,a.png,Frontal\n2,b.png,Frontal\n9,c.png,Frontal\n1,a.png,Frontal\n',
      'images/a.png': 'x',
      'images/b.png': 'x',
      'images/c.png': 'x',
    });
    try {
      const lines: string[] = [];
      const log = new BadSampleLog('skip', (l) => lines.push(l));
      const recs = readIuXray({ reportsCsv: join(u.dir, 'reports.csv'), projectionsCsv: join(u.dir, 'proj.csv'), badSamples: log });
      expect(recs.map((r) => [r.id, r.report])).toEqual([['a', 'Clear. Normal.']]);
      // uid 2's empty report is counted once (not again as no-match); uid 9 has no report row.
      expect(log.summary()).toEqual({ duplicate: 2, 'empty-report': 1, 'no-match': 1 });
      expect(lines).toContainEqual(expect.stringMatching(/reports\.csv:4 \(field "uid"\): duplicate: "1" already appears on line 2/));
      expect(lines).toContainEqual(expect.stringMatching(/proj\.csv:4 \(field "uid"\): no-match: uid "9" has no row in .*reports\.csv$/));
      expect(lines).toContainEqual(expect.stringMatching(/proj\.csv:5 \(field "filename"\): duplicate/));
    } finally {
      u.cleanup();
    }
  });
});
