/**
 * Opening an image for the pipeline: PNG (8/16 bit), JPEG, TIFF, GIF through
 * sharp, DICOM through dicom-parser. Encoded files stay encoded until the
 * transform runs, so decoding happens on sharp's thread pool; DICOM is decoded
 * here (JS) into a 16-bit grey raw buffer that sharp then reads.
 */
import { access, readFile } from 'node:fs/promises';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { decodeDicom, isDicom } from './dicom.js';

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

const DICOM_EXT = /\.(dcm|dicom)$/i;

/** Size, channels and depth of an encoded image, as {@link openImage} found them (cacheable per file). */
export type ImageInfo = Pick<OpenedImage, 'width' | 'height' | 'channels' | 'bitDepth'>;

function encodedPipeline(src: string | Buffer, channels: 1 | 3, bitDepth: 8 | 16): () => Sharp {
  const space = channels === 1 ? (bitDepth === 16 ? 'grey16' : 'b-w') : bitDepth === 16 ? 'rgb16' : 'srgb';
  // sharp outputs sRGB by default; pin the colourspace so grey stays one channel and 16-bit stays 16-bit.
  return () => sharp(src, { failOn: 'error' }).removeAlpha().toColourspace(space);
}

/**
 * Opens a file path or an in-memory encoded image; throws an error naming the
 * file when unreadable. `known` (the {@link ImageInfo} of an earlier open of the
 * same non-DICOM file) skips the header read: the loader uses it from the
 * second epoch on.
 */
export async function openImage(input: string | Uint8Array, name = typeof input === 'string' ? input : '<buffer>', known?: ImageInfo): Promise<OpenedImage> {
  if (known && typeof input === 'string' && !DICOM_EXT.test(input)) {
    return { name, ...known, pipeline: encodedPipeline(input, known.channels, known.bitDepth) };
  }
  let bytes: Uint8Array | null = null;
  if (typeof input === 'string') {
    try {
      await access(input);
    } catch (err) {
      throw new Error(`${name}: cannot read image file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  if (typeof input !== 'string') bytes = input;
  else if (DICOM_EXT.test(input)) {
    try {
      bytes = await readFile(input);
    } catch (err) {
      throw new Error(`${name}: cannot read image file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  if (bytes && isDicom(bytes)) {
    const d = decodeDicom(bytes, name);
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
    meta = await sharp(src).metadata();
  } catch (err) {
    const reason = (err as Error).message.replace(/\s+/g, ' ').trim();
    throw new Error(`${name}: cannot decode image (${reason})`);
  }
  if (!meta.width || !meta.height) throw new Error(`${name}: image has no size`);
  const colourChannels = (meta.channels ?? 1) - (meta.hasAlpha ? 1 : 0);
  const channels: 1 | 3 = colourChannels >= 3 ? 3 : 1;
  const bitDepth: 8 | 16 = meta.depth === 'ushort' || meta.depth === 'short' ? 16 : 8;
  return { name, width: meta.width, height: meta.height, channels, bitDepth, pipeline: encodedPipeline(src, channels, bitDepth) };
}
