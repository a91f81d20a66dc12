import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpTree } from '../../test/helpers/tmp.js';
import { BadSampleLog } from './bad-samples.js';
import { readAuthorsCsv } from './authors-csv.js';

const csv = [
  'img_path,report,llm_output,effusion',
  'a.png,"FINDINGS: Small left\npleural effusion. IMPRESSION: Effusion.","effusion: present, small, left.",1',
  'missing.png,FINDINGS: Clear. IMPRESSION: Normal.,,0',
  'c.png,INDICATION: none,,0',
  'd.png,Lungs are clear.,,2',
  'e.png,Lungs are clear.,,0',
].join('\n');

describe('readAuthorsCsv', () => {
  const t = tmpTree({
    'r.csv': csv,
    'w.csv': 'label_i,label_j\n0,1\n1,1\n2,2\n1,0\n2,1\n',
    'w_short.csv': 'label_i,label_j\n0,1\n',
    'a.png': 'x',
    'c.png': 'x',
    'd.png': 'x',
    'e.png': 'x',
  });
  afterAll(t.cleanup);

  it('reads reports, context, row-aligned windows and labels, and counts skips by reason', () => {
    const log = new BadSampleLog('skip', () => {});
    const recs = readAuthorsCsv({ csvPath: join(t.dir, 'r.csv'), windowsCsvPath: join(t.dir, 'w.csv'), labelColumns: ['effusion'], badSamples: log });
    expect(recs.map((r) => r.id)).toEqual(['a', 'e']);
    expect(recs[0].report).toBe('Small left pleural effusion. Effusion.');
    expect(recs[0].context).toBe('effusion: present, small, left.');
    expect(recs[0].window).toEqual({ i: 0, j: 1 });
    // e.png is the 5th data row: its window is row 5 even though a multi-line row precedes it.
    expect(recs[1].window).toEqual({ i: 2, j: 1 });
    expect(recs[0].labels).toEqual([1]);
    expect(recs[0].imagePath).toBe(join(t.dir, 'a.png'));
    expect(log.summary()).toEqual({ 'missing-image': 1, 'empty-report': 1, 'bad-value': 1 });
  });

  it('fails naming file, line and field under onBadSample: fail', () => {
    expect(() => readAuthorsCsv({ csvPath: join(t.dir, 'r.csv'), onBadSample: 'fail' })).toThrow(/r\.csv:4 \(field "img_path"\): missing-image/);
  });

  it('rejects a window CSV that is not row-aligned and a missing column', () => {
    expect(() => readAuthorsCsv({ csvPath: join(t.dir, 'r.csv'), windowsCsvPath: join(t.dir, 'w_short.csv') })).toThrow(/1 window rows but .* has 5 data rows/);
    expect(() => readAuthorsCsv({ csvPath: join(t.dir, 'w.csv') })).toThrow(/missing column "img_path"/);
  });

  it('leaves out only the sample of a bad window row, counting it, and reads strict labels', () => {
    const u = tmpTree({
      'r.csv': 'img_path,report,effusion\na.png,Clear.,1\nb.png,Clear.,1.0\nc.png,Clear.,\nd.png,Clear.,0\ne.png,Clear.,0\nf.png,Clear.,1\n',
      'w.csv': 'label_i,label_j\n0,1\n2,2\n1,1\n3,0\n1,\n-1,1.5\n',
      'a.png': 'x',
      'b.png': 'x',
      'c.png': 'x',
      'd.png': 'x',
      'e.png': 'x',
      'f.png': 'x',
    });
    try {
      const lines: string[] = [];
      const log = new BadSampleLog('skip', (l) => lines.push(l));
      const recs = readAuthorsCsv({ csvPath: join(u.dir, 'r.csv'), windowsCsvPath: join(u.dir, 'w.csv'), labelColumns: ['effusion'], badSamples: log });
      expect(recs.map((r) => [r.id, r.labels, r.window])).toEqual([
        ['a', [1], { i: 0, j: 1 }],
        ['b', [1], { i: 2, j: 2 }],
      ]);
      // Windows: rows 5 (3), 6 (empty), 7 (-1 and 1.5: both named); labels: row 4 (empty).
      expect(log.summary()).toEqual({ 'bad-value': 5 });
      expect(lines.filter((l) => l.includes('w.csv'))).toEqual([
        expect.stringMatching(/w\.csv:5 \(field "label_i"\): bad-value: window offset must be 0, 1 or 2, got "3"$/),
        expect.stringMatching(/w\.csv:6 \(field "label_j"\): bad-value: window offset must be 0, 1 or 2, got ""$/),
        expect.stringMatching(/w\.csv:7 \(field "label_i"\).*got "-1"$/),
        expect.stringMatching(/w\.csv:7 \(field "label_j"\).*got "1\.5"$/),
      ]);
      expect(lines).toContainEqual(expect.stringMatching(/r\.csv:4 \(field "effusion"\): bad-value: label must be 0 or 1, got ""$/));
      expect(() => readAuthorsCsv({ csvPath: join(u.dir, 'r.csv'), windowsCsvPath: join(u.dir, 'w.csv'), onBadSample: 'fail' })).toThrow(
        /w\.csv:5 \(field "label_i"\): bad-value: window offset must be 0, 1 or 2, got "3"/,
      );
    } finally {
      u.cleanup();
    }
  });

  it('keeps the first row of an image listed twice and counts the others as duplicates', () => {
    const u = tmpTree({ 'r.csv': 'img_path,report\na.png,First.\nb.png,B.\na.png,Second.\n./a.png,Third.\n', 'a.png': 'x', 'b.png': 'x' });
    try {
      const log = new BadSampleLog('skip', () => {});
      const recs = readAuthorsCsv({ csvPath: join(u.dir, 'r.csv'), badSamples: log });
      expect(recs.map((r) => [r.id, r.report])).toEqual([
        ['a', 'First.'],
        ['b', 'B.'],
      ]);
      expect(log.summary()).toEqual({ duplicate: 2 });
      expect(() => readAuthorsCsv({ csvPath: join(u.dir, 'r.csv'), onBadSample: 'fail' })).toThrow(
        /r\.csv:4 \(field "img_path"\): duplicate: ".*a\.png" already appears on line 2; the first row is kept/,
      );
    } finally {
      u.cleanup();
    }
  });
});
