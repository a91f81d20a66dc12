import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { synthesizeSample } from './sample.js';
import { renderSampleSheet } from './sheet.js';

describe('renderSampleSheet', () => {
  it('lays samples out on a grid PNG with coloured annotations', async () => {
    const samples = [0, 1, 2].map((i) => synthesizeSample(11, i, { size: 448 }));
    const png = await renderSampleSheet(samples, { cols: 2, cell: 128 });
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 256, 256]);
    const plain = await renderSampleSheet(samples, { cols: 2, cell: 128, annotate: false });
    const a = await sharp(png).removeAlpha().raw().toBuffer();
    const b = await sharp(plain).removeAlpha().raw().toBuffer();
    // Annotation draws coloured boxes and a caption bar; the plain sheet stays (nearly) grey.
    const coloured = (px: Buffer) => {
      let n = 0;
      for (let i = 0; i < px.length; i += 3) if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 40) n++;
      return n;
    };
    expect(coloured(b)).toBe(0);
    expect(coloured(a)).toBeGreaterThan(100);
  });
});
