import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpTree } from '../../test/helpers/tmp.js';
import { BadSampleLog } from './bad-samples.js';
import { readFfaIr } from './ffa-ir.js';

describe('readFfaIr', () => {
  const ann = {
    train: {
      case1: { Image_path: ['case1/1.jpg', 'case1/2.jpg'], En_Report: 'Leakage  in the macula.' },
      case2: { Image_path: ['case2/1.jpg'], En_Report: '' },
      case3: { Image_path: 'oops', En_Report: 'x' },
    },
    test: {},
  };
  const t = tmpTree({ 'ffair_annotation.json': JSON.stringify(ann), 'case1/1.jpg': 'x', 'case1/2.jpg': 'x' });
  afterAll(t.cleanup);

  it('pairs each image of a case with its English report and counts bad cases', () => {
    const log = new BadSampleLog('skip', () => {});
    const recs = readFfaIr({ annotationJson: join(t.dir, 'ffair_annotation.json'), badSamples: log });
    expect(recs.map((r) => [r.id, r.report])).toEqual([
      ['case1_0', 'Leakage in the macula.'],
      ['case1_1', 'Leakage in the macula.'],
    ]);
    expect(log.summary()).toEqual({ 'empty-report': 1, 'missing-field': 1 });
    expect(() => readFfaIr({ annotationJson: join(t.dir, 'ffair_annotation.json'), split: 'val' })).toThrow(/missing split "val"/);
    expect(() => readFfaIr({ annotationJson: join(t.dir, 'ffair_annotation.json'), onBadSample: 'fail' })).toThrow(/train\.case2\.En_Report/);
  });
});
