import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSiimRle } from '@ecamp/data';
import { tempDir, writePng } from '../../test/finetune-fixtures.js';
import type { Sample } from './data.js';
import { boxesMask, decodeSample, LUMA_601, resampleMask, SampleError } from './images.js';

const dir = tempDir('finetune-images-');
// 32×16 colour image: left half (200, 100, 50), right half (0, 0, 255).
const image = writePng(join(dir, 'img.png'), 32, 16, (x) => (x < 16 ? [200, 100, 50] : [0, 0, 255]));
// Its mask: the left half.
const mask = writePng(join(dir, 'mask.png'), 32, 16, (x) => (x < 16 ? [255, 255, 255] : [0, 0, 0]));
const smallMask = writePng(join(dir, 'small.png'), 16, 16, () => [255, 255, 255]);
const norm = (v: number) => (v / 255 - 0.4722) / 0.3028;
const sample = (extra: Partial<Sample>): Sample => ({ imagePath: image, origin: { file: 'list.csv', line: 3, field: 'mask_path' }, ...extra });

describe('decodeSample', () => {
  it('turns colour into ITU-R 601 luma on three channels by default, and keeps RGB when asked', async () => {
    const grey = await decodeSample(sample({}), { size: 8, colour: 'grey', transform: 'resize' });
    const luma = LUMA_601[0] * 200 + LUMA_601[1] * 100 + LUMA_601[2] * 50; // 124.2
    expect(grey.pixels).toHaveLength(8 * 8 * 3);
    expect(grey.pixels[0]).toBeCloseTo(norm(Math.round(luma)), 2);
    expect(grey.pixels[1]).toBe(grey.pixels[0]);
    expect(grey.pixels[2]).toBe(grey.pixels[0]);
    const rgb = await decodeSample(sample({}), { size: 8, colour: 'rgb', transform: 'resize' });
    expect([rgb.pixels[0], rgb.pixels[1], rgb.pixels[2]].map((v) => Math.round(v * 1000) / 1000)).toEqual(
      [200, 100, 50].map((v) => Math.round(norm(v) * 1000) / 1000),
    );
  });

  it('carries file masks, RLE masks and boxes through the same geometry', async () => {
    const fromFile = await decodeSample(sample({ mask: { kind: 'file', path: mask } }), { size: 8, colour: 'grey', transform: 'resize' });
    expect(Array.from(fromFile.mask!.subarray(0, 8))).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    // SIIM RLE is column-major: the first 16 × 16 pixels are the left half's columns.
    const left = new Uint8Array(32 * 16);
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) left[y * 32 + x] = 1;
    const rle = encodeSiimRle(left, 32, 16);
    const fromRle = await decodeSample(sample({ mask: { kind: 'rle', rles: [rle], id: 'img' } }), { size: 8, colour: 'grey', transform: 'resize' });
    expect(Array.from(fromRle.mask!)).toEqual(Array.from(fromFile.mask!));
    const fromBoxes = await decodeSample(sample({ mask: { kind: 'boxes', boxes: [[0, 0, 16, 16]] } }), { size: 8, colour: 'grey', transform: 'resize' });
    expect(Array.from(fromBoxes.mask!)).toEqual(Array.from(fromFile.mask!));
    const det = await decodeSample(sample({ boxes: [[0, 0, 16, 8]] }), { size: 8, colour: 'grey', transform: 'resize' });
    expect(det.boxes).toEqual([[0, 0, 4, 4]]);
  });

  it('gives the same training crop for the same seed, epoch and index, and another for another index', async () => {
    const s = sample({ mask: { kind: 'file', path: mask } });
    const settings = { size: 8, colour: 'grey', transform: 'train-crop' } as const;
    const a = await decodeSample(s, settings, 1, 0, 0);
    const b = await decodeSample(s, settings, 1, 0, 0);
    expect(Array.from(a.pixels)).toEqual(Array.from(b.pixels));
    expect(Array.from(a.mask!)).toEqual(Array.from(b.mask!));
    const views = await Promise.all([1, 2, 3, 4, 5].map((i) => decodeSample(s, settings, 1, 0, i)));
    expect(new Set(views.map((v) => Array.from(v.mask!).join(''))).size).toBeGreaterThan(1);
  });

  it('names the list file, line and field, and the file, of every bad image, mask, RLE or box', async () => {
    const settings = { size: 8, colour: 'grey', transform: 'resize' } as const;
    const missing = decodeSample({ ...sample({}), imagePath: join(dir, 'gone.png') }, settings);
    await expect(missing).rejects.toBeInstanceOf(SampleError);
    await expect(missing).rejects.toMatchObject({
      reason: 'missing-image',
      message: expect.stringMatching(/^list\.csv:3 \(field "mask_path"\): .*gone\.png: cannot read image file/),
    });
    await expect(decodeSample(sample({ mask: { kind: 'file', path: smallMask } }), settings)).rejects.toThrow(
      /^list\.csv:3 \(field "mask_path"\): mask .*small\.png is 16×16 but its image .*img\.png is 32×16/,
    );
    await expect(decodeSample(sample({ mask: { kind: 'file', path: join(dir, 'nomask.png') } }), settings)).rejects.toThrow(
      /^list\.csv:3 \(field "mask_path"\): mask: .*nomask\.png: cannot read image file/,
    );
    await expect(decodeSample(sample({ mask: { kind: 'rle', rles: ['500 20'], id: 'img' } }), settings)).rejects.toThrow(
      /^list\.csv:3 \(field "mask_path"\): ImageId img: run 0 ends at 520, beyond the 32×16 image/,
    );
    await expect(decodeSample(sample({ boxes: [[0, 0, 40, 8]] }), settings)).rejects.toThrow(/box \[0, 0, 40, 8\] reaches outside the 32×16 image/);
  });
});

describe('resampleMask / boxesMask', () => {
  it('samples the source at output pixel centres through crop and flip', () => {
    // 4×2 source, columns 0..3 = 0, 1, 0, 1 on both rows
    const m = Uint8Array.from([0, 1, 0, 1, 0, 1, 0, 1]);
    const g = { sourceSize: { width: 4, height: 2 }, crop: { x: 0, y: 0, w: 4, h: 2 }, flip: false, outSize: { width: 4, height: 2 } };
    expect(Array.from(resampleMask(m, g))).toEqual(Array.from(m));
    expect(Array.from(resampleMask(m, { ...g, flip: true }))).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    expect(Array.from(resampleMask(m, { ...g, crop: { x: 1, y: 0, w: 2, h: 2 }, outSize: { width: 2, height: 1 } }))).toEqual([1, 0]);
    expect(() => resampleMask(m, { ...g, sourceSize: { width: 3, height: 2 } })).toThrow(/8 values for a 3×2 image/);
    expect(Array.from(boxesMask([[1, 0, 3, 1]], 4, 2))).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
  });
});
