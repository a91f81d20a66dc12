/**
 * Real data end to end: DRIVE fundus photographs with their manual vessel
 * masks, listed in a RIGA-style CSV, read by readMaskCsv, sent through the
 * pre-training transform and transformMask. The vessel fraction of the mask
 * must survive the crop (it is a geometric follow, not a resample of labels).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openImage } from '../src/image/source.js';
import { pretrainTransform, transformMask } from '../src/image/transforms.js';
import { BadSampleLog } from '../src/readers/bad-samples.js';
import { readMaskCsv } from '../src/readers/downstream.js';
import { Rng } from '@ecamp/io';

describe('DRIVE fundus images and vessel masks (real data)', () => {
  it('reads a mask list, and masks follow the image through crop and flip', async () => {
    if (skipWithoutSharedData('drive/training', 'DRIVE image + mask pipeline')) return;
    const root = sharedDataPath('drive/training')!;
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-drive-'));
    try {
      const ids = [21, 22, 23];
      const csv = [
        'img_path,mask_path',
        ...ids.map((k) => `${root}/images/${k}_training.tif,${root}/1st_manual/${k}_manual1.gif`),
        `${root}/images/99_training.tif,${root}/1st_manual/99_manual1.gif`,
      ];
      writeFileSync(join(dir, 'drive.csv'), csv.join('\n') + '\n');
      const log = new BadSampleLog('skip', () => {});
      const recs = readMaskCsv(join(dir, 'drive.csv'), { badSamples: log });
      expect(recs).toHaveLength(3);
      expect(log.summary()).toEqual({ 'missing-image': 1 });
      const rng = Rng.sfc32(12);
      for (const rec of recs) {
        const img = await openImage(rec.imagePath);
        const mask = await openImage(rec.maskPath);
        const v = await pretrainTransform(img, rng, { scale: [0.5, 0.9] });
        const m = await transformMask(mask, v);
        // Vessel fraction inside the crop, computed directly on the source mask.
        const src = await mask.pipeline().extractChannel(0).raw().toBuffer();
        let inCrop = 0;
        for (let y = v.crop.y; y < v.crop.y + v.crop.h; y++) for (let x = v.crop.x; x < v.crop.x + v.crop.w; x++) if (src[y * mask.width + x] > 127) inCrop++;
        const expected = inCrop / (v.crop.w * v.crop.h);
        const got = m.reduce((s, x) => s + x, 0) / m.length;
        expect(expected).toBeGreaterThan(0.04);
        expect(Math.abs(got - expected)).toBeLessThan(0.015);
        // Vessels are darker than the background in the green channel: mean green over vessel pixels < elsewhere.
        let gv = 0;
        let nv = 0;
        let gb = 0;
        let nb = 0;
        for (let i = 0; i < m.length; i++) {
          const g = v.view448[i * 3 + 1];
          if (m[i]) {
            gv += g;
            nv++;
          } else if (g > -1) {
            gb += g;
            nb++;
          }
        }
        expect(gv / nv).toBeLessThan(gb / nb);
      }
      expect((await sharp(recs[0].maskPath).metadata()).width).toBe(565);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
