import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpTree } from '../../test/helpers/tmp.js';
import { BadSampleLog } from './bad-samples.js';
import { badLogFor, FirstRows, imageOk, resolveUnder } from './common.js';

describe('reader helpers', () => {
  const t = tmpTree({ 'x.png': 'x' });
  afterAll(t.cleanup);

  it('resolves relative paths, checks images and shares or creates the bad-sample log', () => {
    expect(resolveUnder('/data', 'a/b.png')).toBe('/data/a/b.png');
    expect(resolveUnder('/data', '/abs/b.png')).toBe('/abs/b.png');
    const log = new BadSampleLog('skip', () => {});
    expect(badLogFor({ badSamples: log })).toBe(log);
    expect(badLogFor({ onBadSample: 'fail' }).policy).toBe('fail');
    expect(imageOk(join(t.dir, 'x.png'), {}, log, 'l.csv', 2, 'img')).toBe(true);
    expect(imageOk(join(t.dir, 'y.png'), {}, log, 'l.csv', 3, 'img')).toBe(false);
    expect(imageOk(join(t.dir, 'y.png'), { checkImages: false }, log, 'l.csv', 4, 'img')).toBe(true);
    expect(log.summary()).toEqual({ 'missing-image': 1 });
  });
});

describe('FirstRows', () => {
  it('keeps the first row of a key and reports later ones naming the first line', () => {
    const lines: string[] = [];
    const seen = new FirstRows(new BadSampleLog('skip', (l) => lines.push(l)));
    expect(seen.isFirst('a.png', { file: 'r.csv', line: 2, field: 'img_path' })).toBe(true);
    expect(seen.isFirst('b.png', { file: 'r.csv', line: 3, field: 'img_path' })).toBe(true);
    expect(seen.isFirst('a.png', { file: 'r.csv', line: 7, field: 'img_path' })).toBe(false);
    expect(lines).toEqual(['[skip] r.csv:7 (field "img_path"): duplicate: "a.png" already appears on line 2; the first row is kept']);
    const strict = new FirstRows(new BadSampleLog('fail'));
    strict.isFirst('k', { file: 'f.json', field: 'train.k' });
    expect(() => strict.isFirst('k', { file: 'f.json', field: 'train.k' })).toThrow(
      'f.json (field "train.k"): duplicate: "k" already appears; the first row is kept',
    );
  });
});
