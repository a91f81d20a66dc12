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

  it('names the line of a bad case, the line and column of a JSON syntax error, and refuses a non-object top level', () => {
    const text =
      '{\n  "train": {\n    "c1": { "Image_path": ["c1/1.jpg"], "En_Report": "Leakage." },\n    "c2": null,\n    "c3": { "Image_path": ["c1/1.jpg"], "En_Report": "bad\\u0000byte" },\n    "c4": { "Image_path": [], "En_Report": "x" },\n    "c5": { "Image_path": ["c1/1.jpg"], "En_Report": 42 }\n  }\n}\n';
    const u = tmpTree({
      'a.json': text,
      'bad.json': '{\n  "train": {\n    "c1": { "Image_path": [] ,, }\n  }\n}',
      'arr.json': '[1, 2]',
      'null.json': 'null',
      'split.json': '{"train": [1]}',
      'c1/1.jpg': 'x',
    });
    try {
      const lines: string[] = [];
      const log = new BadSampleLog('skip', (l) => lines.push(l));
      const recs = readFfaIr({ annotationJson: join(u.dir, 'a.json'), badSamples: log });
      expect(recs.map((r) => [r.id, r.origin.line])).toEqual([['c1_0', 3]]);
      expect(log.summary()).toEqual({ 'missing-field': 2, 'binary-data': 1, 'empty-report': 1 });
      expect(lines).toEqual([
        expect.stringMatching(/a\.json:4 \(field "train\.c2"\): missing-field: a case must be an object with Image_path and En_Report, got null$/),
        expect.stringMatching(/a\.json:5 \(field "train\.c3\.En_Report"\): binary-data: binary data: a NUL byte at character 3$/),
        expect.stringMatching(/a\.json:6 \(field "train\.c4\.Image_path"\): missing-field: Image_path must be a non-empty list/),
        expect.stringMatching(/a\.json:7 \(field "train\.c5\.En_Report"\): empty-report: En_Report must be a string, got 42$/),
      ]);
      expect(() => readFfaIr({ annotationJson: join(u.dir, 'bad.json') })).toThrow(/bad\.json:3:\d+: cannot read FFA-IR annotation JSON/);
      expect(() => readFfaIr({ annotationJson: join(u.dir, 'arr.json') })).toThrow(/arr\.json: the top level must be an object of splits .*got an array/);
      expect(() => readFfaIr({ annotationJson: join(u.dir, 'null.json') })).toThrow(/null\.json: the top level must be an object of splits .*got null/);
      expect(() => readFfaIr({ annotationJson: join(u.dir, 'split.json') })).toThrow(/split\.json \(field "train"\): the split must be an object of cases/);
    } finally {
      u.cleanup();
    }
  });
});
