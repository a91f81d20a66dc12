#!/usr/bin/env node
/**
 * `ecamp-synth`: writes the embedded synthetic chest X-ray set (images,
 * reports CSV, windows CSV, classification lists, SIIM RLE, RSNA boxes, mask
 * CSVs) and optionally a contact sheet PNG.
 */
import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { synthesizeDataset } from '../synth/dataset.js';
import { defaultWorkers } from '../synth/pool.js';
import { synthesizeSample } from '../synth/sample.js';
import { renderSampleSheet } from '../synth/sheet.js';

/** The --help text. */
export const HELP = `ecamp-synth — write the synthetic chest X-ray data set

Usage: ecamp-synth --out <dir> [options]

Options:
  --out <dir>              output folder (required unless only --sheet is given)
  -n, --n <count>          number of images (default 200)
  --seed <int>             base seed (default 0); same seed → byte-identical files
  --size <px>              image side, 448..512 (default 512)
  --train-fraction <f>     training split fraction (default 0.7)
  --val-fraction <f>       validation split fraction (default 0.1; the rest is test)
  --reuse                  keep an existing complete set made with the same options
  --workers <k>            worker threads rendering images (default: one per core, at most 4); output is identical
  --sheet <file.png>       also write a contact sheet of the first --sheet-count images
  --sheet-count <k>        images on the sheet (default 16)
  -q, --quiet              no progress output
  -h, --help               this text

Writes: images/*.png, reports.csv (img_path,report,llm_output,findings,impression,<labels>),
windows.csv (label_i,label_j), train.txt/val.txt/test.txt (+ train_1.txt, train_10.txt),
siim_<split>.csv (ImageId,EncodedPixels), boxes_<split>.csv (image_path,bbox),
masks_<label>_<split>.csv (img_path,mask_path) with masks/<label>/*.png, manifest.json.
`;

function num(name: string, v: string | undefined, dflt: number, integer = false): number {
  if (v === undefined) return dflt;
  const x = Number(v);
  if (!Number.isFinite(x) || (integer && !Number.isInteger(x))) throw new Error(`--${name}: expected ${integer ? 'an integer' : 'a number'}, got "${v}"`);
  return x;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      n: { type: 'string', short: 'n' },
      seed: { type: 'string' },
      size: { type: 'string' },
      'train-fraction': { type: 'string' },
      'val-fraction': { type: 'string' },
      workers: { type: 'string' },
      reuse: { type: 'boolean' },
      sheet: { type: 'string' },
      'sheet-count': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    out(HELP);
    return 0;
  }
  const seed = num('seed', values.seed, 0, true);
  const size = num('size', values.size, 512, true);
  if (!values.out && !values.sheet) {
    out(HELP);
    throw new Error('--out is required');
  }
  if (values.out) {
    const n = num('n', values.n, 200, true);
    const t0 = performance.now();
    const manifest = await synthesizeDataset({
      seed,
      n,
      size,
      outDir: values.out,
      trainFraction: num('train-fraction', values['train-fraction'], 0.7),
      valFraction: num('val-fraction', values['val-fraction'], 0.1),
      workers: num('workers', values.workers, defaultWorkers(), true),
      reuseExisting: values.reuse ?? false,
      onProgress: values.quiet ? undefined : (d, total) => (d % 50 === 0 || d === total) && out(`\r${d}/${total} images`),
    });
    const secs = (performance.now() - t0) / 1000;
    if (!values.quiet) {
      out(`\nwrote ${n} images to ${values.out} in ${secs.toFixed(1)} s (${(n / secs).toFixed(1)} images/s)\n`);
      out(
        `labels: ${Object.entries(manifest.labelCounts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}; normal ${manifest.normalCount}\n`,
      );
      out(`splits: train ${manifest.splits.train}, val ${manifest.splits.val}, test ${manifest.splits.test}\n`);
    }
  }
  if (values.sheet) {
    const k = num('sheet-count', values['sheet-count'], 16, true);
    const samples = Array.from({ length: k }, (_, i) => synthesizeSample(seed, i, { size }));
    await writeFile(values.sheet, await renderSampleSheet(samples, { cols: Math.min(4, k) }));
    if (!values.quiet) out(`wrote sheet ${values.sheet}\n`);
  }
  return 0;
}

/** True when this file is the process entry point (also through the npm bin symlink). */
function invokedDirectly(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`ecamp-synth: ${err.message}\n`);
      process.exit(2);
    },
  );
}
