import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpTree } from '../../test/helpers/tmp.js';
import { BadSampleLog } from './bad-samples.js';
import { fractionListPath, readBoxCsv, readClassificationList, readMaskCsv, readSiimCsv, siimRecordMask } from './downstream.js';

const quiet = () => new BadSampleLog('skip', () => {});

describe('downstream list readers', () => {
  const t = tmpTree({
    'train.txt': 'img/a.png 0 1 0\nimg/b.png 1 0 0\n\nimg/c.png 1 0\nimg/d.png 1 x 0\nimg/missing.png 0 0 1\n',
    'train_10.txt': 'img/a.png 0 1 0\n',
    'siim.csv': 'ImageId, EncodedPixels\na,1 2\na,10 3\nb,-1\nc,abc\n',
    'boxes.csv': 'image_path,bbox\nimg/a.png,"[[1,2,30,40],[5,5,9,9]]"\nimg/b.png,[]\nimg/c.png,"[[3,3,1,1]]"\nimg/d.png,nope\n',
    'riga.csv': 'img_path,mask_path\nimg/a.png,masks/a.png\nimg/b.png,masks/none.png\n',
    'img/a.png': 'x',
    'img/b.png': 'x',
    'img/c.png': 'x',
    'img/d.png': 'x',
    'images/a.png': 'x',
    'images/b.png': 'x',
    'images/c.png': 'x',
    'masks/a.png': 'x',
  });
  afterAll(t.cleanup);

  it('reads classification lists, counting bad lines, and finds fraction lists by name', () => {
    const log = quiet();
    const recs = readClassificationList(join(t.dir, 'train.txt'), { badSamples: log });
    expect(recs.map((r) => [r.imagePath.slice(t.dir.length + 1), r.labels, r.origin.line])).toEqual([
      ['img/a.png', [0, 1, 0], 1],
      ['img/b.png', [1, 0, 0], 2],
    ]);
    expect(log.summary()).toEqual({ 'unreadable-row': 1, 'bad-value': 1, 'missing-image': 1 });
    expect(() => readClassificationList(join(t.dir, 'train.txt'), { onBadSample: 'fail' })).toThrow(
      /train\.txt:4: unreadable-row: 2 labels, earlier lines have 3/,
    );
    expect(fractionListPath(t.dir, 10)).toBe(join(t.dir, 'train_10.txt'));
    expect(fractionListPath(t.dir, 100)).toBe(join(t.dir, 'train.txt'));
    expect(() => fractionListPath(t.dir, 1)).toThrow(/no 1 % list/);
  });

  it('merges SIIM rows per image and validates RLE text', () => {
    const log = quiet();
    const recs = readSiimCsv(join(t.dir, 'siim.csv'), { badSamples: log });
    expect(recs.map((r) => [r.id, r.rles])).toEqual([
      ['a', ['1 2', '10 3']],
      ['b', []],
    ]);
    expect(log.summary()).toEqual({ 'bad-value': 1 });
    // Image a: each row is its own RLE from position 0: runs 1–2 and 10–12, column-major in a 4×4 image.
    const m = siimRecordMask(recs[0], 4, 4);
    expect(Array.from(m).reduce((x, y) => x + y, 0)).toBe(5);
    expect(m[1 * 4 + 0]).toBe(1); // position 1 = (x 0, y 1)
    expect(m[2 * 4 + 2]).toBe(1); // position 10 = (x 2, y 2)
    expect(m[0 * 4 + 3]).toBe(1); // position 12 = (x 3, y 0)
    expect(() => siimRecordMask(recs[0], 2, 2)).toThrow(/siim\.csv:2 \(field "EncodedPixels"\): ImageId a: run 0 ends at 13, beyond the 2×2 image/);
  });

  it('reads RSNA boxes and RIGA mask pairs', () => {
    const log = quiet();
    const boxes = readBoxCsv(join(t.dir, 'boxes.csv'), { badSamples: log });
    expect(boxes.map((b) => b.boxes)).toEqual([
      [
        [1, 2, 30, 40],
        [5, 5, 9, 9],
      ],
      [],
    ]);
    expect(log.summary()).toEqual({ 'bad-value': 2 });
    expect(() => readBoxCsv(join(t.dir, 'boxes.csv'), { onBadSample: 'fail' })).toThrow(/boxes\.csv:4 \(field "bbox"\)/);
    const log2 = quiet();
    const masks = readMaskCsv(join(t.dir, 'riga.csv'), { badSamples: log2 });
    expect(masks).toHaveLength(1);
    expect(log2.summary()).toEqual({ 'missing-image': 1 });
  });

  it('reads a list with a BOM and CR or CRLF line ends; counts duplicates, negative boxes and empty paths', () => {
    const u = tmpTree({
      'list.txt': '\uFEFFa.png 0 1\rb.png 1 0\r\na.png 1 1\n',
      'boxes.csv': 'image_path,bbox\na.png,"[[-1,0,5,5]]"\nb.png,"[[0,0,5,5]]"\nb.png,[]\n,[]\n',
      'riga.csv': 'img_path,mask_path\na.png,m.png\na.png,m.png\nb.png,\n',
      'a.png': 'x',
      'b.png': 'x',
      'm.png': 'x',
    });
    try {
      const lines: string[] = [];
      const log = new BadSampleLog('skip', (l) => lines.push(l));
      expect(
        readClassificationList(join(u.dir, 'list.txt'), { badSamples: log }).map((r) => [r.imagePath.slice(u.dir.length + 1), r.labels, r.origin.line]),
      ).toEqual([
        ['a.png', [0, 1], 1],
        ['b.png', [1, 0], 2],
      ]);
      expect(lines).toEqual([expect.stringMatching(/list\.txt:3 \(field "path"\): duplicate: ".*a\.png" already appears on line 1; the first row is kept$/)]);
      expect(readBoxCsv(join(u.dir, 'boxes.csv'), { badSamples: log }).map((r) => r.boxes)).toEqual([[[0, 0, 5, 5]]]);
      expect(lines.slice(1)).toEqual([
        expect.stringMatching(/boxes\.csv:2 \(field "bbox"\): bad-value: expected \[\[x1,y1,x2,y2\],…\] with 0 ≤ x1 < x2, 0 ≤ y1 < y2, got \[\[-1,0,5,5\]\]$/),
        expect.stringMatching(/boxes\.csv:4 \(field "image_path"\): duplicate/),
        expect.stringMatching(/boxes\.csv:5 \(field "image_path"\): missing-field: empty image path$/),
      ]);
      expect(readMaskCsv(join(u.dir, 'riga.csv'), { badSamples: log })).toHaveLength(1);
      expect(lines.slice(4)).toEqual([
        expect.stringMatching(/riga\.csv:3 \(field "img_path"\): duplicate/),
        expect.stringMatching(/riga\.csv:4 \(field "mask_path"\): missing-field: empty path$/),
      ]);
    } finally {
      u.cleanup();
    }
  });
});
