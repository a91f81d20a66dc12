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
});
