import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ecamp/core';
import { tempDir, writePng } from '../../test/finetune-fixtures.js';
import { createLogger } from '../run/logger.js';
import { formatFoldBenchmark, runFoldBenchmark } from './fold-bench.js';

const quiet = createLogger('test', { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/** Six 32×32 colour images with a bright disc of varying size, and the disc as the mask (DRIVE-style names). */
function discs(): string {
  const root = tempDir('fold-bench-');
  for (let i = 0; i < 6; i++) {
    const r = 6 + i;
    const inside = (x: number, y: number) => (x - 16) ** 2 + (y - 16) ** 2 < r * r;
    writePng(join(root, 'images', `${i + 1}_training.png`), 32, 32, (x, y) => (inside(x, y) ? [230, 120, 60] : [40, 20, 10]));
    writePng(join(root, 'manual', `${i + 1}_manual1.png`), 32, 32, (x, y) => (inside(x, y) ? [255, 255, 255] : [0, 0, 0]));
  }
  return root;
}

describe('runFoldBenchmark', () => {
  it('tests every image of every fold once per encoder, on the same splits, with a paired difference', async () => {
    const root = discs();
    const out = join(root, 'bench');
    const r = await runFoldBenchmark(
      {
        root,
        images: 'images',
        masks: 'manual',
        encoders: [
          { name: 'a', encoder: 'random' },
          { name: 'b', encoder: 'random' },
        ],
        testSize: 2,
        folds: 3,
        seed: 0,
        flags: { epochs: '1', 'batch-size': '4', 'decoder-widths': '4,4,4,4', 'image-size': '64' },
        out,
        bootstrap: 50,
      },
      quiet,
    );
    expect(r.images).toBe(6);
    expect(r.folds.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const x of r.results) expect(x.perImage.map((p) => p.image).sort()).toEqual(r.results[0].perImage.map((p) => p.image).sort());
    // Two random encoders with the same seed are the same encoder: the paired difference is exactly 0.
    expect(r.differences[0].difference).toMatchObject({ estimate: 0, low: 0, high: 0 });
    expect(existsSync(join(out, 'fold-2', 'b', 'checkpoints', 'head.safetensors'))).toBe(true);
    expect(readFileSync(join(out, 'fold-0', 'test.csv'), 'utf8').split('\n')[0]).toBe('img_path,mask_path');
    const saved = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(saved.results[0].perImage).toHaveLength(6);
    const table = formatFoldBenchmark(r, 2);
    expect(table).toMatch(/3 folds of 4\/2 train\/test images/);
    expect(table).toMatch(/a − b: 0\.000 \(95 % interval 0\.000 … 0\.000\).*no difference shown/);
  });

  it('refuses folds that do not fit the images', async () => {
    const root = discs();
    const base = {
      root,
      images: 'images',
      masks: 'manual',
      encoders: [{ name: 'a', encoder: 'random' }],
      seed: 0,
      flags: {},
      out: join(root, 'x'),
      bootstrap: 10,
    };
    await expect(runFoldBenchmark({ ...base, testSize: 6, folds: 1 }, quiet)).rejects.toThrow(/test size 6 does not fit 6 images/);
    await expect(runFoldBenchmark({ ...base, testSize: 2, folds: 4 }, quiet)).rejects.toThrow(/4 folds of 2 test images need more than the 6 images/);
  });
});
