/**
 * A contact sheet of synthetic samples (PNG), optionally with each finding's
 * boxes and label drawn on top, for looking at the set by eye.
 */
import sharp from 'sharp';
import { LABEL_NAMES } from './prior.js';
import type { SynthSample } from './sample.js';

const COLOURS: Record<string, string> = {
  cardiomegaly: '#ff5555',
  pleural_effusion: '#55aaff',
  pneumothorax: '#ffdd33',
  consolidation: '#66ff66',
  nodule: '#ff66ff',
  edema: '#ffaa33',
  atelectasis: '#33ffee',
  support_devices: '#bbbbbb',
};

/** Options of {@link renderSampleSheet}. */
export interface SheetOptions {
  /** Columns (default 4). */
  cols?: number;
  /** Cell side in pixels (default 256). */
  cell?: number;
  /** Draw finding boxes and a label line (default true). */
  annotate?: boolean;
}

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** Renders samples into one PNG grid. */
export async function renderSampleSheet(samples: SynthSample[], options: SheetOptions = {}): Promise<Buffer> {
  const cols = options.cols ?? 4;
  const cell = options.cell ?? 256;
  const annotate = options.annotate ?? true;
  const rows = Math.ceil(samples.length / cols);
  const tiles = await Promise.all(
    samples.map(async (s, k) => {
      let tile = sharp(Buffer.from(s.image), { raw: { width: s.width, height: s.height, channels: 1 } })
        .resize(cell, cell)
        .toColourspace('srgb');
      if (annotate) {
        const sc = cell / s.width;
        const rects = s.findings.flatMap((f) =>
          f.boxes.map(
            ([x1, y1, x2, y2]) =>
              `<rect x="${x1 * sc}" y="${y1 * sc}" width="${(x2 - x1) * sc}" height="${(y2 - y1) * sc}" fill="none" stroke="${COLOURS[f.label]}" stroke-width="1.5"/>`,
          ),
        );
        const label = s.findings.map((f) => f.label.replace('_', ' ')).join(', ') || 'normal';
        const svg = `<svg width="${cell}" height="${cell}" xmlns="http://www.w3.org/2000/svg">${rects.join('')}<rect x="0" y="${cell - 16}" width="${cell}" height="16" fill="black" fill-opacity="0.6"/><text x="3" y="${cell - 4}" font-family="sans-serif" font-size="11" fill="white">${esc(`${k}: ${label}`)}</text></svg>`;
        tile = sharp(await tile.png().toBuffer()).composite([{ input: Buffer.from(svg) }]);
      }
      return { input: await tile.png().toBuffer(), left: (k % cols) * cell, top: Math.floor(k / cols) * cell };
    }),
  );
  const sheet = await sharp({ create: { width: cols * cell, height: rows * cell, channels: 3, background: '#000' } })
    .composite(tiles)
    .png()
    .toBuffer();
  return sheet;
}

/** Legend of the box colours, label → CSS colour. */
export const SHEET_COLOURS: Readonly<Record<(typeof LABEL_NAMES)[number], string>> = COLOURS as never;
