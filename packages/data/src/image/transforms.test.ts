import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Rng } from '@ecamp/io';
import { mapBox } from './geometry.js';
import { openImage } from './source.js';
import { downstreamTransform, pretrainTransform, transformMask } from './transforms.js';

/** A 512×384 grey image whose value is floor(x / 2): a horizontal ramp. */
async function ramp() {
  const w = 512;
  const h = 384;
  const px = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = Math.floor(x / 2);
  const png = await sharp(Buffer.from(px), { raw: { width: w, height: h, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
  return openImage(png, 'ramp.png');
}

const denorm = (v: number) => (v * 0.3037 + 0.4721) * 255;

describe('pretrainTransform', () => {
  it('returns a normalised 448×448×3 view whose content follows the reported crop and flip', async () => {
    const img = await ramp();
    const rng = Rng.sfc32(3);
    let flips = 0;
    for (let k = 0; k < 6; k++) {
      const r = await pretrainTransform(img, rng);
      expect(r.view448).toHaveLength(448 * 448 * 3);
      expect(r.sourceSize).toEqual({ width: 512, height: 384 });
      const row = 200 * 448 * 3;
      // Channels are equal (grey replicated).
      expect(r.view448[row]).toBe(r.view448[row + 1]);
      // Left and right output edges show the ramp value at the crop's edges (or swapped when flipped).
      const left = denorm(r.view448[row + 5 * 3]);
      const right = denorm(r.view448[row + 442 * 3]);
      const atX = (x: number) => (r.crop.x + ((x + 0.5) * r.crop.w) / 448) / 2;
      const [expLeft, expRight] = r.flip ? [atX(442), atX(5)] : [atX(5), atX(442)];
      expect(Math.abs(left - expLeft)).toBeLessThan(2);
      expect(Math.abs(right - expRight)).toBeLessThan(2);
      if (r.flip) flips++;
    }
    expect(flips).toBeGreaterThan(0);
    expect(flips).toBeLessThan(6);
  });

  it('is reproducible from the RNG and writes into a caller buffer at an offset', async () => {
    const img = await ramp();
    const a = await pretrainTransform(img, Rng.sfc32(9));
    const buf = new Float32Array(2 * 448 * 448 * 3);
    const b = await pretrainTransform(img, Rng.sfc32(9), { out: buf, offset: 448 * 448 * 3 });
    expect(b.crop).toEqual(a.crop);
    expect(b.flip).toBe(a.flip);
    expect(buf.subarray(448 * 448 * 3)).toEqual(a.view448);
    expect(buf[0]).toBe(0);
  });

  it('keeps RGB fundus photographs in colour (real DRIVE image)', async () => {
    if (skipWithoutSharedData('drive/training/images/21_training.tif', 'DRIVE pre-training transform')) return;
    const img = await openImage(sharedDataPath('drive/training/images/21_training.tif')!);
    const r = await pretrainTransform(img, Rng.sfc32(1), { scale: [1, 1], ratio: [565 / 584, 565 / 584] });
    let diff = 0;
    for (let i = 0; i < 448 * 448; i++) diff += Math.abs(r.view448[i * 3] - r.view448[i * 3 + 1]);
    // Red and green differ strongly in a fundus photograph.
    expect(diff / (448 * 448)).toBeGreaterThan(0.5);
  });
});

describe('downstreamTransform and transformMask', () => {
  it('resizes or centre-crops to 224 with the downstream normalisation', async () => {
    const img = await ramp();
    const r = await downstreamTransform(img);
    expect(r.crop).toEqual({ x: 0, y: 0, w: 512, h: 384 });
    expect(r.pixels).toHaveLength(224 * 224 * 3);
    const c = await downstreamTransform(img, { mode: 'center-crop', resizeTo: 256 });
    expect(c.crop).toEqual({ x: 88, y: 24, w: 336, h: 336 });
    const v = c.pixels[100 * 224 * 3];
    expect(Math.abs((v * 0.3028 + 0.4722) * 255 - (88 + 336 / 224 / 2) / 2)).toBeLessThan(2);
  });

  it('carries a mask through the same geometry as its box', async () => {
    const w = 512;
    const h = 384;
    const m = new Uint8Array(w * h);
    for (let y = 100; y < 200; y++) for (let x = 300; x < 400; x++) m[y * w + x] = 255;
    const mask = await openImage(
      await sharp(Buffer.from(m), { raw: { width: w, height: h, channels: 1 } })
        .toColourspace('b-w')
        .png()
        .toBuffer(),
      'mask.png',
    );
    const img = await ramp();
    const r = await pretrainTransform(img, Rng.sfc32(2), { scale: [0.6, 0.6] });
    const out = await transformMask(mask, r);
    const box = mapBox(r, [300, 100, 400, 200]);
    let inside = 0;
    let total = 0;
    for (let y = 0; y < 448; y++) {
      for (let x = 0; x < 448; x++) {
        if (!out[y * 448 + x]) continue;
        total++;
        if (box && x >= box[0] - 1 && x < box[2] + 1 && y >= box[1] - 1 && y < box[3] + 1) inside++;
      }
    }
    expect(inside).toBe(total);
    if (box) expect(total).toBeGreaterThan(0.8 * (box[2] - box[0]) * (box[3] - box[1]));
  });
});

describe('16-bit sources', () => {
  it('keep 16-bit precision through the transform', async () => {
    const w = 64;
    const px = new Uint16Array(w * w).fill(1000); // 1000/65535 ≈ 0.0153: 8-bit would round it to 4/255 ≈ 0.0157
    const png = await sharp(px, { raw: { width: w, height: w, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toBuffer();
    const img = await openImage(png, 'g16.png');
    const r = await downstreamTransform(img, { size: 32, norm: { mean: 0, std: 1 } });
    expect(r.pixels[16 * 32 * 3 + 48]).toBeCloseTo(1000 / 65535, 6);
  });
});

describe('DICOM through the transforms', () => {
  it('a windowed 16-bit DICOM ramp arrives in order and in range', async () => {
    const { writeTestDicom } = await import('../../test/helpers/dicom-writer.js');
    const w = 64;
    const px = Array.from({ length: w * w }, (_, i) => (i % w) * 16); // horizontal ramp 0…1008
    const bytes = writeTestDicom({ width: w, height: w, pixels: px, window: { center: 504, width: 1008 } });
    const img = await openImage(bytes, 'ramp.dcm');
    expect([img.channels, img.bitDepth]).toEqual([1, 16]);
    const r = await downstreamTransform(img, { size: 32, norm: { mean: 0, std: 1 } });
    const row = 16 * 32 * 3;
    const left = r.pixels[row + 3];
    const right = r.pixels[row + 30 * 3];
    expect(left).toBeGreaterThanOrEqual(0);
    expect(right).toBeLessThanOrEqual(1);
    expect(right - left).toBeGreaterThan(0.8);
    // Horizontal ramp: monotone along the row.
    for (let x = 1; x < 32; x++) expect(r.pixels[row + x * 3]).toBeGreaterThanOrEqual(r.pixels[row + (x - 1) * 3] - 1e-3);
  });
});
