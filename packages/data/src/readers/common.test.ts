import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpTree } from '../../test/helpers/tmp.js';
import { BadSampleLog } from './bad-samples.js';
import { badLogFor, imageOk, resolveUnder } from './common.js';

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
