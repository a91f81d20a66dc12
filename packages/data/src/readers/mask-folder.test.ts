import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import { BadSampleLog } from './bad-samples.js';
import { leadingId, readMaskFolder } from './mask-folder.js';

function folders(images: string[], masks: string[]): { images: string; masks: string } {
  const root = mkdtempSync(join(tmpdir(), 'mask-folder-'));
  const dirs = { images: join(root, 'images'), masks: join(root, 'masks') };
  mkdirSync(dirs.images);
  mkdirSync(dirs.masks);
  for (const n of images) writeFileSync(join(dirs.images, n), 'x');
  for (const n of masks) writeFileSync(join(dirs.masks, n), 'x');
  return dirs;
}

describe('readMaskFolder', () => {
  it('pairs DRIVE-style names by their leading id and equal stems directly, in image order', () => {
    const d = folders(['22_training.tif', '21_training.tif', 'b.png', 'notes.txt', '.hidden.png'], ['21_manual1.gif', '22_manual1.gif', 'b.png']);
    const r = readMaskFolder(d);
    expect(r.map((x) => [x.key, x.imagePath.slice(d.images.length + 1), x.maskPath.slice(d.masks.length + 1)])).toEqual([
      ['21', '21_training.tif', '21_manual1.gif'],
      ['22', '22_training.tif', '22_manual1.gif'],
      ['b', 'b.png', 'b.png'],
    ]);
  });

  it('skips and counts images without a mask, ambiguous ids and masks without an image, naming each file', () => {
    const d = folders(['1_a.png', '2_a.png', '3_a.png'], ['1_m.png', '2_m.png', '2_n.png', '9_m.png']);
    const log = new BadSampleLog('skip');
    const r = readMaskFolder({ ...d, badSamples: log });
    expect(r.map((x) => x.key)).toEqual(['1']);
    // 2_a: two masks share its id; 3_a: no mask; 9_m: no image.
    expect(log.summary()).toEqual({ 'bad-value': 1, 'no-match': 2 });
    expect(log.total).toBe(3);
    expect(() => readMaskFolder({ ...d, onBadSample: 'fail' })).toThrow(/2_a\.png: bad-value: several masks match "2" in .*: 2_m\.png, 2_n\.png/);
  });

  it('refuses a mask paired twice, an empty image folder and a missing folder', () => {
    const d = folders(['a_1.png', 'a_2.png'], ['a_1.png']);
    expect(() => readMaskFolder({ ...d, onBadSample: 'fail' })).toThrow(/a_2\.png: duplicate: mask a_1\.png is already paired/);
    expect(() => readMaskFolder(folders([], ['x.png']))).toThrow(/no image files/);
    expect(() => readMaskFolder({ images: '/nonexistent-folder-x', masks: d.masks })).toThrow(/nonexistent-folder-x: cannot read the image folder \(ENOENT\)/);
    expect(leadingId('21_training')).toBe('21');
  });

  it('pairs the 20 DRIVE training images with their manual vessel masks', () => {
    if (skipWithoutSharedData('drive/training/1st_manual', 'DRIVE image/mask pairing')) return;
    const root = sharedDataPath('drive/training')!;
    const log = new BadSampleLog('fail');
    const r = readMaskFolder({ images: join(root, 'images'), masks: join(root, '1st_manual'), badSamples: log });
    expect(r).toHaveLength(20);
    expect(r.every((x) => x.maskPath.endsWith(`${x.key}_manual1.gif`) && x.imagePath.endsWith(`${x.key}_training.tif`))).toBe(true);
    expect(log.total).toBe(0);
  });
});
