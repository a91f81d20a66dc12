import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ecamp/core';
import { DOWNSTREAM_NORM as DATA_NORM, downstreamTransform, openImage, synthesizeSample } from '@ecamp/data';
import { DOWNSTREAM_NORM, imageToInput } from './image.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

/** A synthetic radiograph as an 8-bit grey PNG of side `side` (448 rendered, 2×2-averaged for 224). */
async function radiograph(side: 224 | 448): Promise<{ png: Buffer; grey: Uint8Array }> {
  const s = synthesizeSample(0, 5, { size: 448 });
  let grey = s.image;
  if (side === 224) {
    grey = new Uint8Array(224 * 224);
    for (let y = 0; y < 224; y++) {
      for (let x = 0; x < 224; x++) {
        const i = 2 * y * 448 + 2 * x;
        grey[y * 224 + x] = Math.round((s.image[i] + s.image[i + 1] + s.image[i + 448] + s.image[i + 449]) / 4);
      }
    }
  }
  return {
    png: await sharp(Buffer.from(grey), { raw: { width: side, height: side, channels: 1 } })
      .png()
      .toBuffer(),
    grey,
  };
}

async function rgbaOf(png: Buffer) {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

describe('imageToInput', () => {
  it("uses @ecamp/data's downstream normalisation", () => {
    expect(DOWNSTREAM_NORM).toEqual(DATA_NORM);
  });

  it("equals the trainer's evaluation input (openImage + downstreamTransform) for a 224×224 radiograph", async () => {
    const { png } = await radiograph(224);
    const trainer = await downstreamTransform(await openImage(new Uint8Array(png), 'synthetic.png'), { size: 224 });
    const input = imageToInput(await rgbaOf(png), 224);
    expect(input.shape).toEqual([1, 224, 224, 3]);
    const ours = input.dataSync();
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - trainer.pixels[i]));
    expect(worst).toBeLessThan(1e-6);
    input.dispose();
  });

  it('resizes other sizes bilinearly to the model side', async () => {
    const { png, grey } = await radiograph(448);
    const input = imageToInput(await rgbaOf(png), 224);
    expect(input.shape).toEqual([1, 224, 224, 3]);
    // Half-pixel-centre bilinear halving = the mean of each 2×2 block.
    const v = input.dataSync();
    const block = (grey[0] + grey[1] + grey[448] + grey[449]) / 4;
    expect(v[0]).toBeCloseTo((block / 255 - 0.4722) / 0.3028, 4);
    input.dispose();
  });

  it('rejects pixel buffers that do not match the size', () => {
    expect(() => imageToInput({ width: 2, height: 2, data: new Uint8Array(12) }, 224)).toThrow(/2×2 image needs 16 RGBA bytes, got 12/);
  });
});
