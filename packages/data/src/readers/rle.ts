/**
 * Run-length encoding of binary masks in the SIIM-ACR pneumothorax convention
 * (the Kaggle `mask_functions.py` used by the ECAMP/GLoRIA/MGCA pipelines):
 *
 * - pixels are scanned in COLUMN-major order (down each column, columns left to
 *   right), i.e. flat index `x · height + y`;
 * - the string is pairs `start length`, where each `start` is RELATIVE to the
 *   end of the previous run (the first is relative to pixel 0);
 * - an empty mask is written `-1`.
 *
 * Masks here are row-major `height × width` Uint8Arrays (1 = foreground).
 */

/** Encodes a row-major binary mask to a SIIM RLE string (`-1` when empty). */
export function encodeSiimRle(mask: Uint8Array, width: number, height: number): string {
  if (mask.length !== width * height) throw new Error(`encodeSiimRle: mask has ${mask.length} pixels, expected ${width}×${height}`);
  const out: number[] = [];
  let pos = 0; // column-major position
  let lastEnd = 0;
  let runStart = -1;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++, pos++) {
      const on = mask[y * width + x] !== 0;
      if (on && runStart < 0) runStart = pos;
      if (!on && runStart >= 0) {
        out.push(runStart - lastEnd, pos - runStart);
        lastEnd = pos;
        runStart = -1;
      }
    }
  }
  if (runStart >= 0) out.push(runStart - lastEnd, pos - runStart);
  return out.length === 0 ? '-1' : out.join(' ');
}

/**
 * Decodes a SIIM RLE string into `into` (row-major, OR-ed so several rows of
 * one image accumulate) or a new mask. Throws on malformed text or runs that
 * leave the image; `where` names the source in the message.
 */
export function decodeSiimRle(rle: string, width: number, height: number, into?: Uint8Array, where = 'RLE'): Uint8Array {
  const mask = into ?? new Uint8Array(width * height);
  const text = rle.trim();
  if (text === '-1' || text === '') return mask;
  const nums = text.split(/\s+/).map(Number);
  if (nums.length % 2 !== 0 || nums.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new Error(`${where}: malformed run-length encoding (need pairs of non-negative integers): "${text.slice(0, 60)}"`);
  }
  const total = width * height;
  let pos = 0;
  for (let k = 0; k < nums.length; k += 2) {
    pos += nums[k];
    const len = nums[k + 1];
    if (pos + len > total) throw new Error(`${where}: run ${k / 2} ends at ${pos + len}, beyond the ${width}×${height} image`);
    for (let p = pos; p < pos + len; p++) {
      const x = Math.floor(p / height);
      const y = p - x * height;
      mask[y * width + x] = 1;
    }
    pos += len;
  }
  return mask;
}
