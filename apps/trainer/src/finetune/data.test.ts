import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadSampleLog } from '@ecamp/data';
import { tempDir, writeText } from '../../test/finetune-fixtures.js';
import { classIndex, detectFormat, loadFinetuneData, readSource, resolveLabels, splitSamples, type Sample } from './data.js';
import { resolveFinetuneOptions } from './options.js';

/** A folder with empty stand-in image files (the readers only check that they exist). */
function folder(names: string[]): string {
  const dir = tempDir('finetune-data-');
  for (const n of names) writeText(join(dir, n), 'x');
  return dir;
}

const folderOptions = { images: 'images' };

describe('detectFormat / readSource', () => {
  it('tells every downstream format from its file or folder and reads it for the task', () => {
    const dir = folder(['a.png', 'b.png', 'images/a.png', 'images/b.png', 'masks/a.png', 'masks/b.png', 'm/a.png']);
    const list = writeText(join(dir, 'train.txt'), 'a.png 1 0\nb.png 0 1\n');
    const siim = writeText(join(dir, 'siim.csv'), 'ImageId,EncodedPixels\na,1 2\na,5 1\nb,-1\n');
    const boxes = writeText(join(dir, 'boxes.csv'), 'image_path,bbox\na.png,"[[1,2,5,6]]"\nb.png,[]\n');
    const masks = writeText(join(dir, 'masks.csv'), '\uFEFFimg_path,mask_path\na.png,m/a.png\n');
    expect([list, siim, boxes, masks, dir].map(detectFormat)).toEqual(['classification-list', 'siim-csv', 'box-csv', 'mask-csv', 'mask-folder']);
    const bad = new BadSampleLog('fail');
    expect(readSource(list, 'classification', folderOptions, bad).samples.map((s) => s.labels)).toEqual([
      [1, 0],
      [0, 1],
    ]);
    const s = readSource(siim, 'segmentation', folderOptions, bad).samples;
    expect(s.map((x) => x.mask)).toEqual([
      { kind: 'rle', rles: ['1 2', '5 1'], id: 'a' },
      { kind: 'rle', rles: [], id: 'b' },
    ]);
    expect(s[0].imagePath).toBe(join(dir, 'images', 'a.png'));
    expect(readSource(boxes, 'detection', folderOptions, bad).samples.map((x) => x.boxes)).toEqual([[[1, 2, 5, 6]], []]);
    expect(readSource(boxes, 'segmentation', folderOptions, bad).samples[0].mask).toEqual({ kind: 'boxes', boxes: [[1, 2, 5, 6]] });
    expect(readSource(masks, 'segmentation', folderOptions, bad).samples[0].mask).toEqual({ kind: 'file', path: join(dir, 'm', 'a.png') });
    expect(readSource(dir, 'segmentation', folderOptions, bad).samples.map((x) => x.imagePath)).toEqual([
      join(dir, 'images', 'a.png'),
      join(dir, 'images', 'b.png'),
    ]);
    expect(readSource(dir, 'segmentation', { images: 'images', masks: 'm' }, new BadSampleLog('skip', () => undefined)).samples).toHaveLength(1);
  });

  it('refuses a format the task cannot use, an unknown CSV and missing paths, naming the file', () => {
    const dir = folder(['a.png']);
    const list = writeText(join(dir, 'l.txt'), 'a.png 1\n');
    const odd = writeText(join(dir, 'odd.csv'), 'path,label\na.png,1\n');
    const bad = new BadSampleLog('fail');
    expect(() => readSource(list, 'detection', folderOptions, bad)).toThrow(/l\.txt: a classification list cannot be used for detection \(it reads: box-csv\)/);
    expect(() => detectFormat(odd)).toThrow(/odd\.csv:1: a CSV with columns path, label is none of the downstream formats/);
    expect(() => detectFormat(join(dir, 'nope.txt'))).toThrow(/nope\.txt: no such file or folder/);
    mkdirSync(join(dir, 'images'));
    expect(() => readSource(dir, 'segmentation', folderOptions, bad)).toThrow(/no masks\/ folder; name the mask folder with --masks/);
    expect(() => readSource(dir, 'segmentation', { images: 'images', masks: 'gone' }, bad)).toThrow(/--masks: .*gone does not exist/);
  });

  it('passes a malformed row to the bad-sample policy: counted, or an error naming file, line and field', () => {
    const dir = folder(['a.png', 'b.png']);
    const list = writeText(join(dir, 'l.txt'), 'a.png 1 0\nb.png 1 x\nmissing.png 0 1\n');
    const skip = new BadSampleLog('skip', () => undefined);
    expect(readSource(list, 'classification', folderOptions, skip).samples).toHaveLength(1);
    expect(skip.summary()).toEqual({ 'bad-value': 1, 'missing-image': 1 });
    expect(() => readSource(list, 'classification', folderOptions, new BadSampleLog('fail'))).toThrow(
      /l\.txt:2 \(field "label 2"\): bad-value: "x" is not a number/,
    );
    const boxes = writeText(join(dir, 'b.csv'), 'image_path,bbox\na.png,"[[5,5,1,1]]"\n');
    expect(() => readSource(boxes, 'detection', folderOptions, new BadSampleLog('fail'))).toThrow(/b\.csv:2 \(field "bbox"\): bad-value/);
  });
});

describe('splitSamples / loadFinetuneData', () => {
  const samples: Sample[] = Array.from({ length: 20 }, (_, i) => ({ imagePath: `${i}.png`, origin: { file: 'l', line: i + 1 } }));

  it('splits by a seeded shuffle into disjoint parts that keep list order, counts or percentages', () => {
    const a = splitSamples(samples, { parts: [15, 0, 5], unit: 'count' }, 0);
    expect([a.train.length, a.val.length, a.test.length, a.unused]).toEqual([15, 0, 5, 0]);
    expect(new Set([...a.train, ...a.test].map((s) => s.imagePath)).size).toBe(20);
    expect(a.test.map((s) => s.origin.line)).toEqual([...a.test.map((s) => s.origin.line!)].sort((x, y) => x - y));
    expect(splitSamples(samples, { parts: [15, 0, 5], unit: 'count' }, 0).test).toEqual(a.test);
    expect(splitSamples(samples, { parts: [15, 0, 5], unit: 'count' }, 1).test).not.toEqual(a.test);
    const p = splitSamples(samples, { parts: [50, 25, 25], unit: 'percent' }, 0);
    expect([p.train.length, p.val.length, p.test.length]).toEqual([10, 5, 5]);
    expect(() => splitSamples(samples, { parts: [15, 0, 6], unit: 'count' }, 0)).toThrow(/needs 21 images, the data has 20/);
  });

  it('loads --data with --split and --fraction, and says so', () => {
    const names = Array.from({ length: 40 }, (_, i) => `${i}.png`);
    const dir = folder(names);
    const list = writeText(join(dir, 'all.txt'), names.map((n, i) => `${n} ${i % 2}`).join('\n'));
    const o = resolveFinetuneOptions({ task: 'classification', encoder: 'random', data: list, split: '30/5/5', fraction: '10' });
    const d = loadFinetuneData(o, new BadSampleLog('fail'));
    expect([d.train.length, d.val.length, d.test.length]).toEqual([3, 5, 5]);
    expect(d.notes.join('\n')).toMatch(/30 train \/ 5 validation \/ 5 test/);
    expect(d.notes.join('\n')).toMatch(/--fraction 10: 3 of 30 training images/);
    const noVal = loadFinetuneData(resolveFinetuneOptions({ task: 'classification', encoder: 'random', data: list, test: list }), new BadSampleLog('fail'));
    expect(noVal.notes.join('\n')).toMatch(/no validation data: the last epoch is kept/);
  });
});

describe('resolveLabels', () => {
  const s = (labels: number[], line = 1): Sample => ({ imagePath: 'x', origin: { file: 'l.txt', line }, labels });

  it('reads one column of class indices as single-label and 0/1 columns as multi-label', () => {
    expect(resolveLabels({ labels: 'auto' }, [[s([0]), s([2]), s([1])]])).toMatchObject({ mode: 'single-label', numClasses: 3 });
    expect(resolveLabels({ labels: 'auto' }, [[s([0, 1]), s([1, 1])]])).toMatchObject({ mode: 'multi-label', numClasses: 2 });
    expect(resolveLabels({ labels: 'auto' }, [[s([0]), s([1])]])).toMatchObject({ mode: 'multi-label', numClasses: 1 });
    expect(resolveLabels({ labels: 'single-label' }, [[s([0]), s([1])]])).toMatchObject({ mode: 'single-label', numClasses: 2 });
    expect(resolveLabels({ labels: 'single-label' }, [[s([0, 0, 1]), s([1, 0, 0])]])).toMatchObject({ mode: 'single-label', numClasses: 3 });
    expect(resolveLabels({ labels: 'single-label', classes: 5 }, [[s([0]), s([3])]]).numClasses).toBe(5);
    expect(classIndex([0, 0, 1])).toBe(2);
    expect(classIndex([4])).toBe(4);
  });

  it('names the row of a label that does not fit', () => {
    expect(() => resolveLabels({ labels: 'multi-label' }, [[s([0, 1]), s([0, 3], 7)]])).toThrow(
      /l\.txt:7 \(field "label 2"\): 3 is not 0 or 1 in a multi-label list; pass --labels single-label/,
    );
    expect(() => resolveLabels({ labels: 'single-label' }, [[s([1, 1, 0], 4)]])).toThrow(
      /l\.txt:4 \(field "labels"\): 1 1 0 is neither one class index nor a one-hot row/,
    );
    expect(() => resolveLabels({ labels: 'single-label' }, [[s([0.5], 2)]])).toThrow(/l\.txt:2 \(field "label 1"\): 0.5 is not a class index/);
    expect(() => resolveLabels({ labels: 'single-label', classes: 2 }, [[s([0]), s([2], 9)]])).toThrow(/l\.txt:9 .*class 2 is outside --classes 2/);
  });
});
