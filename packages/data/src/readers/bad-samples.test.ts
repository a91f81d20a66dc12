import { describe, expect, it } from 'vitest';
import { BadSampleError, BadSampleLog } from './bad-samples.js';

describe('BadSampleLog', () => {
  it('counts skips by reason and logs a bounded number of lines', () => {
    const lines: string[] = [];
    const log = new BadSampleLog('skip', (l) => lines.push(l), 2);
    log.report('missing-image', { file: 'a.csv', line: 3, field: 'img_path' }, 'x.png not found');
    log.report('missing-image', { file: 'a.csv', line: 4 }, 'y.png not found');
    log.report('empty-report', { file: 'a.csv', line: 5, field: 'report' }, 'no FINDINGS or IMPRESSION');
    expect(log.summary()).toEqual({ 'missing-image': 2, 'empty-report': 1 });
    expect(log.total).toBe(3);
    expect(lines).toEqual(['[skip] a.csv:3 (field "img_path"): missing-image: x.png not found', '[skip] a.csv:4: missing-image: y.png not found']);
    expect(String(log)).toBe('skipped 3 (missing-image 2, empty-report 1)');
  });

  it('throws an error naming file, line and field under fail', () => {
    const log = new BadSampleLog('fail');
    expect(() => log.report('bad-value', { file: 'r.csv', line: 7, field: 'bbox' }, 'not JSON')).toThrow(BadSampleError);
    expect(() => log.report('bad-value', { file: 'r.csv', line: 7, field: 'bbox' }, 'not JSON')).toThrow('r.csv:7 (field "bbox"): bad-value: not JSON');
  });
});
