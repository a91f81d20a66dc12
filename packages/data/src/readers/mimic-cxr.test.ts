import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpTree } from '../../test/helpers/tmp.js';
import { BadSampleLog } from './bad-samples.js';
import { mimicStudyDir, readMimicCxr } from './mimic-cxr.js';

describe('readMimicCxr', () => {
  const study = 'files/p10/p10000032/s50414267';
  const t = tmpTree({
    'split.csv':
      'dicom_id,subject_id,study_id,split\nd1,10000032,50414267,train\nd2,10000032,50414267,train\nd3,10000032,50414267,test\nd4,10000032,53000000,train\n',
    'meta.csv':
      'dicom_id,subject_id,study_id,ViewPosition\nd1,10000032,50414267,PA\nd2,10000032,50414267,LATERAL\nd3,10000032,50414267,AP\nd4,10000032,53000000,AP\n',
    [`${study}.txt`]: ' FINAL REPORT\n INDICATION: cough\n FINDINGS: No effusion.\n IMPRESSION: Normal.\n',
    [`${study}/d1.jpg`]: 'x',
    [`${study}/d2.jpg`]: 'x',
    [`${study}/d3.jpg`]: 'x',
  });
  afterAll(t.cleanup);

  it('builds study paths and reads frontal images of a split with their report sections', () => {
    expect(mimicStudyDir('10000032', '50414267')).toBe(study);
    const log = new BadSampleLog('skip', () => {});
    const recs = readMimicCxr({ root: t.dir, splitCsv: join(t.dir, 'split.csv'), metadataCsv: join(t.dir, 'meta.csv'), badSamples: log });
    expect(recs.map((r) => r.id)).toEqual(['d1']);
    expect(recs[0].report).toBe('No effusion. Normal.');
    expect(recs[0].imagePath).toBe(join(t.dir, study, 'd1.jpg'));
    // d4's study has no report file.
    expect(log.summary()).toEqual({ 'missing-field': 1 });
    const all = readMimicCxr({ root: t.dir, splitCsv: join(t.dir, 'split.csv'), views: [], badSamples: new BadSampleLog('skip', () => {}) });
    expect(all.map((r) => r.id)).toEqual(['d1', 'd2']);
    expect(readMimicCxr({ root: t.dir, splitCsv: join(t.dir, 'split.csv'), metadataCsv: join(t.dir, 'meta.csv'), split: 'test' }).map((r) => r.id)).toEqual([
      'd3',
    ]);
  });

  it('counts a binary or non-UTF-8 report file, and a repeated dicom_id', () => {
    const s2 = 'files/p10/p10000032/s50000002';
    const s3 = 'files/p10/p10000032/s50000003';
    const u = tmpTree({
      'split.csv':
        'dicom_id,subject_id,study_id,split\nd1,10000032,50414267,train\nd2,10000032,50000002,train\nd3,10000032,50000003,train\nd1,10000032,50414267,train\n',
      [`${study}.txt`]: 'FINDINGS: Clear.\n',
      [`${s2}.txt`]: Buffer.from([0x46, 0x49, 0x4e, 0x00, 0x01, 0x02]),
      [`${s3}.txt`]: Buffer.from([0x46, 0x49, 0x4e, 0x44, 0x49, 0x4e, 0x47, 0x53, 0x3a, 0x20, 0xff, 0xfe, 0x41]),
      [`${study}/d1.jpg`]: 'x',
      [`${s2}/d2.jpg`]: 'x',
      [`${s3}/d3.jpg`]: 'x',
    });
    try {
      const lines: string[] = [];
      const log = new BadSampleLog('skip', (l) => lines.push(l));
      const recs = readMimicCxr({ root: u.dir, splitCsv: join(u.dir, 'split.csv'), views: [], badSamples: log });
      expect(recs.map((r) => r.id)).toEqual(['d1']);
      expect(log.summary()).toEqual({ 'binary-data': 2, duplicate: 1 });
      expect(lines).toContainEqual(expect.stringMatching(/s50000002\.txt: binary-data: binary data: a NUL byte at character 3 \(split CSV line 3\)$/));
      expect(lines).toContainEqual(expect.stringMatching(/s50000003\.txt: binary-data: not UTF-8: undecodable bytes at character 10 .*\(split CSV line 4\)$/));
      expect(lines).toContainEqual(expect.stringMatching(/split\.csv:5 \(field "dicom_id"\): duplicate: "d1" already appears on line 2/));
    } finally {
      u.cleanup();
    }
  });
});
