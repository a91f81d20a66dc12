/**
 * Opening an image for the pipeline: PNG (8/16 bit), JPEG, TIFF, GIF through
 * sharp, DICOM through dicom-parser. Encoded files stay encoded until the
 * transform runs, so decoding happens on sharp's thread pool; DICOM is decoded
 * here (JS) into a 16-bit grey raw buffer that sharp then reads.
 *
 * Every image's size is read from its header first and checked against
 * {@link ImageLimits} before any pixel is decoded: a 20,000 × 20,000 PNG of a
 * few kilobytes, or a DICOM header claiming it, is refused without allocating
 * its pixels, and so is a 1 × 1 image.
 */
import { open, readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { decodeDicom, isDicom, readDicomSize } from './dicom.js';
import { checkImageSize, DEFAULT_IMAGE_LIMITS, ImageInputError, type ImageLimits } from './limits.js';

/** An image ready for a transform: its size, channels and a way to start a sharp pipeline. */
export interface OpenedImage {
  /** File path or caller-given name, for error messages and ids. */
  name: string;
  width: number;
  height: number;
  /** 1 for grey sources, 3 for colour (alpha is dropped). */
  channels: 1 | 3;
  /** 8 or 16 bits per sample. */
  bitDepth: 8 | 16;
  /** A fresh sharp pipeline on the decoded pixels (call once per transform). */
  pipeline(): Sharp;
}

/** Options of {@link openImage}. */
export interface OpenImageOptions {
  /** Size limits (default {@link DEFAULT_IMAGE_LIMITS}; partial objects are merged with it). */
  limits?: Partial<ImageLimits>;
}

const DICOM_EXT = /\.(dcm|dicom)$/i;

/** Size, channels and depth of an encoded image, as {@link openImage} found them (cacheable per file). */
export type ImageInfo = Pick<OpenedImage, 'width' | 'height' | 'channels' | 'bitDepth'>;

function encodedPipeline(src: string | Buffer, channels: 1 | 3, bitDepth: 8 | 16, maxPixels: number): () => Sharp {
  const space = channels === 1 ? (bitDepth === 16 ? 'grey16' : 'b-w') : bitDepth === 16 ? 'rgb16' : 'srgb';
  // sharp outputs sRGB by default; pin the colourspace so grey stays one channel and 16-bit stays 16-bit.
  // limitInputPixels: sharp checks the header again when it decodes (the file may have changed since).
  return () => sharp(src, { failOn: 'error', limitInputPixels: maxPixels }).removeAlpha().toColourspace(space);
}

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err);

/**
 * Reads a DICOM file header first: enough bytes to find Rows and Columns
 * (64 KiB, more when the header is longer), checks them against the limits,
 * and only then reads the whole file.
 */
async function readDicomFile(path: string, name: string, limits: ImageLimits): Promise<Uint8Array> {
  const fh = await open(path, 'r').catch((err: unknown) => {
    throw new ImageInputError('missing-image', `${name}: cannot read image file (${errCode(err)})`);
  });
  try {
    const size = (await fh.stat()).size;
    for (let n = Math.min(size, 64 * 1024); ; n = Math.min(size, n * 4)) {
      const head = new Uint8Array(n);
      await fh.read(head, 0, n, 0);
      if (!isDicom(head)) break;
      const dims = readDicomSize(head);
      if (dims) {
        checkImageSize(dims.width, dims.height, limits, name);
        break;
      }
      if (n === size) break; // the whole file is read; decodeDicom names what is wrong
    }
  } finally {
    await fh.close();
  }
  try {
    return await readFile(path);
  } catch (err) {
    throw new ImageInputError('missing-image', `${name}: cannot read image file (${errCode(err)})`);
  }
}

/**
 * Opens a file path or an in-memory encoded image: reads the header, checks
 * the size against the limits, and returns a way to decode. Throws an
 * {@link ImageInputError} naming the file when it is missing, undecodable or
 * out of limits. `known` (the {@link ImageInfo} of an earlier open of the same
 * non-DICOM file) skips the header read: the loader uses it from the second
 * epoch on.
 */
export async function openImage(
  input: string | Uint8Array,
  name = typeof input === 'string' ? input : '<buffer>',
  known?: ImageInfo,
  options: OpenImageOptions = {},
): Promise<OpenedImage> {
  const limits: ImageLimits = { ...DEFAULT_IMAGE_LIMITS, ...options.limits };
  if (known && typeof input === 'string' && !DICOM_EXT.test(input)) {
    return { name, ...known, pipeline: encodedPipeline(input, known.channels, known.bitDepth, limits.maxPixels) };
  }
  let bytes: Uint8Array | null = null;
  if (typeof input === 'string') {
    let isFile: boolean;
    try {
      isFile = (await stat(input)).isFile();
    } catch (err) {
      throw new ImageInputError('missing-image', `${name}: cannot read image file (${errCode(err)})`);
    }
    if (!isFile) throw new ImageInputError('missing-image', `${name}: not a file (a directory or a device)`);
    if (DICOM_EXT.test(input)) bytes = await readDicomFile(input, name, limits);
  } else bytes = input;
  if (bytes && isDicom(bytes)) {
    let d: ReturnType<typeof decodeDicom>;
    try {
      d = decodeDicom(bytes, name, limits);
    } catch (err) {
      if (err instanceof ImageInputError) throw err;
      throw new ImageInputError('corrupt-image', (err as Error).message);
    }
    return {
      name,
      width: d.width,
      height: d.height,
      channels: 1,
      bitDepth: 16,
      // sharp takes the sample depth from the typed array: a Uint16Array is read as ushort.
      pipeline: () => sharp(d.data, { raw: { width: d.width, height: d.height, channels: 1 } }).toColourspace('grey16'),
    };
  }
  const src = bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : (input as string);
  let meta: Metadata;
  try {
    // Header only; the pixel limit is ours (checked below, with a clearer message than sharp's).
    meta = await sharp(src, { limitInputPixels: false }).metadata();
  } catch (err) {
    const reason = (err as Error).message.replace(/\s+/g, ' ').trim();
    throw new ImageInputError('corrupt-image', `${name}: cannot decode image (${reason})`);
  }
  if (!meta.width || !meta.height) throw new ImageInputError('corrupt-image', `${name}: image has no size`);
  checkImageSize(meta.width, meta.height, limits, name);
  const colourChannels = (meta.channels ?? 1) - (meta.hasAlpha ? 1 : 0);
  const channels: 1 | 3 = colourChannels >= 3 ? 3 : 1;
  const bitDepth: 8 | 16 = meta.depth === 'ushort' || meta.depth === 'short' ? 16 : 8;
  return { name, width: meta.width, height: meta.height, channels, bitDepth, pipeline: encodedPipeline(src, channels, bitDepth, limits.maxPixels) };
}
