/**
 * Small inputs for the fine-tuning tests: PNG files written from pixel arrays, list and CSV
 * files, and one synthetic chest X-ray set (made once per test worker, shared by the files
 * that need it).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { initBackend } from '@ecamp/core';
import { synthesizeDataset, type SynthManifest } from '@ecamp/data';
import { encodePng } from '@ecamp/io';

/** A fresh temporary folder. */
export function tempDir(prefix = 'finetune-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a `w`×`h` RGB PNG whose pixel (x, y) is `colour(x, y)`. */
export function writePng(path: string, w: number, h: number, colour: (x: number, y: number) => [number, number, number]): string {
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.set(colour(x, y), (y * w + x) * 3);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodePng(rgb, w, h));
  return path;
}

/** Writes `text` to `path` (folders created). */
export function writeText(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/**
 * The lines of the synthetic list `file` in `dir` with a single-label class index in place of
 * the multi-hot labels: the number of findings, at most 2 (image paths as the list has them).
 */
export function classIndexLines(dir: string, file: string): string[] {
  return readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [p, ...ls] = l.split(' ');
      const findings = ls.map(Number).reduce((a, b) => a + b, 0);
      return `${p} ${Math.min(2, findings)}`;
    });
}

let synthetic: Promise<{ dir: string; manifest: SynthManifest }> | undefined;

/** 24 synthetic radiographs (448 px; 12 train / 6 validation / 6 test) with lists, masks, RLE and boxes. */
export function syntheticSet(): Promise<{ dir: string; manifest: SynthManifest }> {
  synthetic ??= (async () => {
    const dir = tempDir('finetune-synth-');
    const manifest = await synthesizeDataset({ seed: 5, n: 24, size: 448, outDir: dir, trainFraction: 0.5, valFraction: 0.25 });
    return { dir, manifest };
  })();
  return synthetic;
}

/** The default backend started and the folder of {@link syntheticSet}: what the fine-tuning tests' `beforeAll` needs. */
export async function syntheticSetOnBackend(): Promise<string> {
  await initBackend({ quiet: true });
  return (await syntheticSet()).dir;
}
