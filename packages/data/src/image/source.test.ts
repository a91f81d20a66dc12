import { truncateSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestDicom } from '../../test/helpers/dicom-writer.js';
import { blankPng, jpegClaimingSize } from '../../test/helpers/png.js';
import { ImageInputError } from './limits.js';
import { openImage } from './source.js';

describe('openImage', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ecamp-img-'));
    const grey = Buffer.from(Uint8Array.from({ length: 40 * 30 }, (_, i) => i % 256));
    await sharp(grey, { raw: { width: 40, height: 30, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toFile(join(dir, 'g8.png'));
    await sharp(grey, { raw: { width: 40, height: 30, channels: 1 } })
      .toColourspace('b-w')
      .jpeg()
      .toFile(join(dir, 'g.jpg'));
    const g16 = new Uint16Array(40 * 30).fill(50000);
    await sharp(g16, { raw: { width: 40, height: 30, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toFile(join(dir, 'g16.png'));
    await writeFile(join(dir, 'x.dcm'), writeTestDicom({ width: 8, height: 4, pixels: Array.from({ length: 32 }, (_, i) => i * 100) }));
    await writeFile(join(dir, 'broken.png'), Buffer.from('not a png at all'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('opens 8-bit and 16-bit PNG, JPEG and DICOM with size, channels and depth', async () => {
    const g8 = await openImage(join(dir, 'g8.png'));
    expect([g8.width, g8.height, g8.channels, g8.bitDepth]).toEqual([40, 30, 1, 8]);
    const g16 = await openImage(join(dir, 'g16.png'));
    expect([g16.channels, g16.bitDepth]).toEqual([1, 16]);
    const raw16 = await g16.pipeline().raw({ depth: 'ushort' }).toBuffer();
    expect(raw16.readUInt16LE(0)).toBe(50000);
    const jpg = await openImage(join(dir, 'g.jpg'));
    expect([jpg.width, jpg.height, jpg.channels, jpg.bitDepth]).toEqual([40, 30, 1, 8]);
    // 8×4 is under the default minimum side (16 px): this test lowers the limit.
    const dcm = await openImage(join(dir, 'x.dcm'), undefined, undefined, { limits: { minSide: 4 } });
    expect([dcm.width, dcm.height, dcm.channels, dcm.bitDepth]).toEqual([8, 4, 1, 16]);
    const px = await dcm.pipeline().raw({ depth: 'ushort' }).toBuffer();
    expect(px.length).toBe(8 * 4 * 2);
    expect(px.readUInt16LE(0)).toBe(0);
    expect(px.readUInt16LE(2)).toBe(Math.round((100 / 3100) * 65535));
    expect(px.readUInt16LE(62)).toBe(65535);
  });

  it('names the file when it is missing or corrupt', async () => {
    await expect(openImage(join(dir, 'nope.png'))).rejects.toThrow(/nope\.png: cannot read image file \(ENOENT\)/);
    await expect(openImage(join(dir, 'broken.png'))).rejects.toThrow(/broken\.png: cannot decode image/);
    await expect(openImage(join(dir, 'nope.dcm'))).rejects.toThrow(/nope\.dcm: cannot read image file \(ENOENT\)/);
    await expect(openImage(dir)).rejects.toThrow(/: not a file \(a directory or a device\)/);
    await expect(openImage(join(dir, 'broken.png'))).rejects.toBeInstanceOf(ImageInputError);
  });

  it('refuses a 20,000 × 20,000 image from its header, before decoding, and a 1 × 1 one', async () => {
    const reasons: string[] = [];
    const huge = blankPng(20000, 20000);
    expect(huge.length).toBeLessThan(100_000);
    const t0 = performance.now();
    await expect(openImage(huge, 'huge.png')).rejects.toThrow(
      'huge.png: image is 20000×20000 (400,000,000 pixels), over the limit of 67,108,864 pixels (maxPixels); refused before decoding',
    );
    const jpg = await sharp(Buffer.alloc(64 * 64, 128), { raw: { width: 64, height: 64, channels: 1 } })
      .jpeg()
      .toBuffer();
    await expect(openImage(jpegClaimingSize(jpg, 20000, 20000), 'huge.jpg')).rejects.toThrow(/huge\.jpg: image is 20000×20000 .*refused before decoding/);
    // Decoding 400 M pixels would take seconds and gigabytes; the header read takes milliseconds.
    expect(performance.now() - t0).toBeLessThan(1000);
    const dot = await sharp(Buffer.from([7]), { raw: { width: 1, height: 1, channels: 1 } })
      .png()
      .toBuffer();
    await openImage(dot, 'dot.png').catch((e: ImageInputError) => reasons.push(`${e.reason}: ${e.message}`));
    expect(reasons).toEqual(['image-size: dot.png: image is 1×1, under the minimum of 16 px a side (minSide); refused before decoding']);
    // Limits are options: a lower minimum lets the 1 × 1 image through.
    expect((await openImage(dot, 'dot.png', undefined, { limits: { minSide: 1 } })).width).toBe(1);
  });

  it('refuses a DICOM file claiming 20,000 × 20,000 after reading only its header', async () => {
    const p = join(dir, 'huge.dcm');
    await writeFile(p, writeTestDicom({ width: 20000, height: 20000, pixels: [1, 2] }));
    // 800 MB on paper (a sparse file): reading it whole would take seconds and the memory.
    truncateSync(p, 800_000_000);
    const t0 = performance.now();
    await expect(openImage(p)).rejects.toThrow(/huge\.dcm: image is 20000×20000 \(400,000,000 pixels\), over the limit .*refused before decoding/);
    expect(performance.now() - t0).toBeLessThan(500);
    const small = join(dir, 'small.dcm');
    await writeFile(small, writeTestDicom({ width: 1, height: 1, pixels: [5] }));
    await expect(openImage(small)).rejects.toThrow(/small\.dcm: image is 1×1, under the minimum of 16 px/);
  });

  it('opens the real DRIVE fundus TIFF (RGB) and GIF mask', async () => {
    if (skipWithoutSharedData('drive/training/images/21_training.tif', 'DRIVE TIFF decoding')) return;
    const tif = await openImage(sharedDataPath('drive/training/images/21_training.tif')!);
    expect([tif.width, tif.height, tif.channels, tif.bitDepth]).toEqual([565, 584, 3, 8]);
    const gif = await openImage(sharedDataPath('drive/training/1st_manual/21_manual1.gif')!);
    expect([gif.width, gif.height]).toEqual([565, 584]);
  });
});

describe('openImage with known info', () => {
  it('skips the header read but decodes the same pixels', async () => {
    const png = await sharp(Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i)), { raw: { width: 16, height: 16, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const d = mkdtempSync(join(tmpdir(), 'ecamp-known-'));
    const p = join(d, 'k.png');
    writeFileSync(p, png);
    const first = await openImage(p);
    const again = await openImage(p, p, { width: first.width, height: first.height, channels: first.channels, bitDepth: first.bitDepth });
    expect((await again.pipeline().raw().toBuffer()).equals(await first.pipeline().raw().toBuffer())).toBe(true);
    rmSync(d, { recursive: true, force: true });
  });
});
