/**
 * DICOM decoding for uncompressed transfer syntaxes (SIIM and RSNA ship
 * DICOM). The modality LUT (rescale slope/intercept) and the VOI window
 * (window centre/width, DICOM PS3.3 C.11.2.1.2, LINEAR) are applied, and
 * MONOCHROME1 ("white is zero") is inverted so that bone is always bright.
 * The result is a 16-bit grey image using the full 0…65535 range.
 */
import dicomParser from 'dicom-parser';
import { checkImageSize, type ImageLimits } from './limits.js';

/** Transfer syntaxes whose pixel data are stored uncompressed. */
export const UNCOMPRESSED_TRANSFER_SYNTAXES: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
};

/** A decoded DICOM frame: 16-bit grey, `height × width` row-major. */
export interface DicomImage {
  data: Uint16Array;
  width: number;
  height: number;
  photometric: string;
  /** The window applied (after rescale), or the data range when the file has none. */
  window: { center: number; width: number };
}

/** True when the bytes carry the DICOM preamble magic "DICM" at offset 128. */
export function isDicom(bytes: Uint8Array): boolean {
  return bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/**
 * The text of what dicom-parser threw: an Error, a string, or an object whose
 * `exception` says what went wrong (and whose `dataSet` holds the whole file,
 * so it is never stringified).
 */
function parserMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  const ex = (err as { exception?: unknown } | null)?.exception;
  return typeof ex === 'string' ? ex : 'unknown parser error';
}

/**
 * Rows and Columns from the start of a DICOM file (the bytes up to the Pixel
 * Data element suffice), or null when these bytes do not reach them, do not
 * parse, or give zero.
 */
export function readDicomSize(head: Uint8Array): { width: number; height: number } | null {
  try {
    const ds = dicomParser.parseDicom(head, { untilTag: 'x7fe00010' } as never);
    const rows = ds.uint16('x00280010');
    const cols = ds.uint16('x00280011');
    // Zero is no size to check: decodeDicom names the empty image.
    return rows && cols ? { width: cols, height: rows } : null;
  } catch {
    return null;
  }
}

/**
 * Decodes the first frame of a DICOM file; `name` is used in error messages.
 * With `limits`, Rows × Columns are checked before the pixels are read.
 */
export function decodeDicom(bytes: Uint8Array, name: string, limits?: ImageLimits): DicomImage {
  let ds: ReturnType<typeof dicomParser.parseDicom>;
  try {
    ds = dicomParser.parseDicom(bytes);
  } catch (err) {
    throw new Error(`${name}: not a readable DICOM file, truncated or corrupt (${parserMessage(err)})`);
  }
  const ts = ds.string('x00020010')?.trim() ?? '1.2.840.10008.1.2';
  if (!(ts in UNCOMPRESSED_TRANSFER_SYNTAXES)) {
    throw new Error(
      `${name}: unsupported DICOM transfer syntax ${ts} (compressed pixel data); supported: ${Object.keys(UNCOMPRESSED_TRANSFER_SYNTAXES).join(', ')}`,
    );
  }
  const rows = ds.uint16('x00280010');
  const cols = ds.uint16('x00280011');
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  const pixelRep = ds.uint16('x00280103') ?? 0;
  const samples = ds.uint16('x00280002') ?? 1;
  const photometric = (ds.string('x00280004') ?? 'MONOCHROME2').trim();
  const pixel = ds.elements.x7fe00010;
  if (rows === undefined || cols === undefined)
    throw new Error(`${name}: DICOM field ${rows === undefined ? 'Rows (0028,0010)' : 'Columns (0028,0011)'} missing`);
  if (!rows || !cols) throw new Error(`${name}: DICOM image is ${cols}×${rows} (Columns × Rows): empty`);
  if (limits) checkImageSize(cols, rows, limits, name);
  if (!pixel) throw new Error(`${name}: DICOM has no Pixel Data (7FE0,0010)`);
  if (samples !== 1 || !photometric.startsWith('MONOCHROME')) {
    throw new Error(`${name}: unsupported DICOM photometric interpretation ${photometric} with ${samples} samples per pixel (need MONOCHROME1/2)`);
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16) throw new Error(`${name}: unsupported DICOM Bits Allocated ${bitsAllocated} (need 8 or 16)`);
  const n = rows * cols;
  const needed = (n * bitsAllocated) / 8;
  if (pixel.length < needed)
    throw new Error(`${name}: DICOM Pixel Data holds ${pixel.length} bytes, ${rows}×${cols}×${bitsAllocated} bit needs ${needed} (truncated?)`);
  const bigEndian = ts === '1.2.840.10008.1.2.2';
  const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + pixel.dataOffset, needed);
  const slope = ds.floatString('x00281053') ?? 1;
  const intercept = ds.floatString('x00281052') ?? 0;
  const values = new Float32Array(n);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    let raw: number;
    if (bitsAllocated === 8) raw = pixelRep ? view.getInt8(i) : view.getUint8(i);
    else raw = pixelRep ? view.getInt16(2 * i, !bigEndian) : view.getUint16(2 * i, !bigEndian);
    const v = raw * slope + intercept;
    values[i] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const wc = ds.floatString('x00281050');
  const ww = ds.floatString('x00281051');
  const window = wc !== undefined && ww !== undefined && ww >= 1 ? { center: wc, width: ww } : { center: (lo + hi + 1) / 2, width: Math.max(1, hi - lo + 1) };
  const out = new Uint16Array(n);
  const invert = photometric === 'MONOCHROME1';
  const c = window.center - 0.5;
  const w = window.width - 1;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    // DICOM linear VOI: below/above the window clips, inside maps linearly.
    let y = w <= 0 ? (x > c ? 1 : 0) : x <= c - w / 2 ? 0 : x > c + w / 2 ? 1 : (x - c) / w + 0.5;
    if (invert) y = 1 - y;
    out[i] = Math.round(y * 65535);
  }
  return { data: out, width: cols, height: rows, photometric, window };
}
