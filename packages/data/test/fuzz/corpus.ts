/**
 * The fuzz corpus of bad inputs for @ecamp/data, generated from a seed:
 * truncated and corrupt PNG / JPEG / DICOM, 16-bit images, images too small
 * and too large (a valid 20,000 × 20,000 PNG of 49 KB), empty and binary
 * reports, CSVs with bad quoting, byte-order marks, CRLF / CR / mixed line
 * ends, missing columns, ragged and duplicate rows, out-of-range windows and
 * labels, and bad MIMIC-CXR, IU X-ray, FFA-IR and downstream list files.
 *
 * Each case says what it must give under `onBadSample: 'skip'` (exactly which
 * records, in order — none lost — and which bad samples, counted and logged
 * naming file, line and field) and under `'fail'` (the error naming the first
 * bad sample), or the error it must raise under both. The same seed writes
 * byte-identical files. The corpus is written at test time (about 0.3 MB) and
 * not committed; `fuzz.test.ts` runs it, `main.ts` prints it.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { pngChunk, Rng, writeFileAtomic } from '@ecamp/io';
import { writeTestDicom } from '../helpers/dicom-writer.js';
import { blankPng, jpegClaimingSize } from '../helpers/png.js';
import type { BadAt, Expected, FuzzCase, Observation, Op } from './types.js';

/** The corpus as written: its cases, file count, total bytes, and a digest of every path and byte. */
export interface Corpus {
  cases: FuzzCase[];
  files: number;
  bytes: number;
  digest: string;
}

type Content = string | Uint8Array;

/** Offset of a PNG chunk's length field (the chunk starts there), or -1. */
function pngChunkAt(png: Uint8Array, type: string): number {
  for (let at = 8; at + 8 <= png.length;) {
    const len = (png[at] << 24) | (png[at + 1] << 16) | (png[at + 2] << 8) | png[at + 3];
    if (String.fromCharCode(png[at + 4], png[at + 5], png[at + 6], png[at + 7]) === type) return at;
    at += 12 + len;
  }
  return -1;
}

/** Writes the corpus under `root` (which should be empty) from `seed`. */
export async function writeCorpus(root: string, seed = 1): Promise<Corpus> {
  const rng = Rng.sfc32(seed);
  const files = new Map<string, Content>();
  const cases: FuzzCase[] = [];
  const put = (rel: string, c: Content) => files.set(rel, c);

  // ---- shared good inputs --------------------------------------------------------------------
  const noise = (w: number, h: number, channels = 1) => Buffer.from(Uint8Array.from({ length: w * h * channels }, () => rng.int(256)));
  const goodPng = await sharp(noise(64, 48), { raw: { width: 64, height: 48, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
  const goodPng2 = await sharp(noise(48, 64), { raw: { width: 48, height: 64, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
  const bigPng = await sharp(noise(256, 200), { raw: { width: 256, height: 200, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
  const goodJpg = await sharp(noise(96, 80), { raw: { width: 96, height: 80, channels: 1 } })
    .toColourspace('b-w')
    .jpeg({ quality: 90 })
    .toBuffer();
  put('shared/img/good-a.png', goodPng);
  put('shared/img/good-b.png', goodPng2);
  // Placeholders for readers that only check that an image exists.
  for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) put(`shared/img/${n}.png`, goodPng);

  const add = (id: string, what: string, op: Op, expect: FuzzCase['expect'], own: Record<string, Content> = {}) => {
    if (cases.some((c) => c.id === id)) throw new Error(`corpus: duplicate case id ${id}`);
    for (const [rel, c] of Object.entries(own)) put(`cases/${id}/${rel}`, c);
    cases.push({ id, what, op, expect });
  };
  const dir = (id: string) => `cases/${id}`;
  const records = (ids: string[], bad: BadAt[] = [], info?: Observation['info']): Expected => ({ kind: 'records', records: ids, bad, info });
  const error = (message: RegExp, at?: { file: string; line?: number; field?: string }): Expected => ({ kind: 'error', at, message });

  // ---- images through the loader: good-a, the bad one, good-b (nothing good may be lost) --------
  // Each loader case's images are listed in its images.csv (header on line 1): the line a skip names.
  const listing = (images: string[]) => `image\n${images.map((p) => `${p}\n`).join('')}`;
  const imageCase = (
    id: string,
    what: string,
    name: string,
    bytes: Content | null,
    reason: 'corrupt-image' | 'image-size' | 'missing-image' | null,
    detail: RegExp,
  ) => {
    const images = ['shared/img/good-a.png', `${dir(id)}/${name}`, 'shared/img/good-b.png'];
    const stemName = name.replace(/\.[^.]+$/, '');
    add(
      id,
      what,
      { reader: 'loader', list: `${dir(id)}/images.csv`, images },
      reason ? records(['good-a', 'good-b'], [{ file: 'images.csv', line: 3, field: 'image', reason, detail }]) : records(['good-a', stemName, 'good-b']),
      bytes === null ? { 'images.csv': listing(images) } : { [name]: bytes, 'images.csv': listing(images) },
    );
  };
  const cut = (b: Uint8Array, n: number) => Buffer.from(b.subarray(0, n));
  const flip = (b: Uint8Array, at: number, mask = 0xff) => {
    const c = Buffer.from(b);
    c[at] ^= mask;
    return c;
  };
  // libvips's words after "cannot decode image" vary with timing (its error buffer is shared; "Unknown error" happens): not pinned.
  const corrupt = (name: string) => new RegExp(`^.*/${name.replace(/\./g, '\\.')}: cannot decode image \\(.+\\)$`);

  // PNG
  const idat = pngChunkAt(bigPng, 'IDAT');
  const iend = pngChunkAt(bigPng, 'IEND');
  imageCase(
    'png/truncated-signature',
    'PNG cut after 4 bytes',
    'cut.png',
    cut(bigPng, 4),
    'corrupt-image',
    /cut\.png: cannot decode image \(Input file contains unsupported image format\)$/,
  );
  imageCase(
    'png/truncated-ihdr',
    'PNG cut inside its IHDR header',
    'cut.png',
    cut(bigPng, 20),
    'corrupt-image',
    /cut\.png: cannot decode image \(Input file has corrupt header/,
  );
  for (let k = 0; k < 3; k++) {
    const at = idat + 8 + 1 + rng.int(iend - idat - 20);
    imageCase(
      `png/truncated-idat-${k}`,
      `PNG cut inside its pixel data (at byte ${at} of ${bigPng.length})`,
      'cut.png',
      cut(bigPng, at),
      'corrupt-image',
      corrupt('cut.png'),
    );
  }
  imageCase('png/no-iend', 'PNG missing only its end chunk (all pixel data present): decodes', 'noend.png', cut(bigPng, iend), null, /./);
  for (let k = 0; k < 2; k++) {
    const at = idat + 8 + rng.int(iend - idat - 12);
    imageCase(
      `png/bitflip-idat-${k}`,
      `PNG with a flipped byte in its pixel data (byte ${at}; the chunk CRC no longer matches)`,
      'flip.png',
      flip(bigPng, at),
      'corrupt-image',
      corrupt('flip.png'),
    );
  }
  {
    const ihdr = Buffer.alloc(13);
    bigPng.copy(ihdr, 0, 16, 29);
    ihdr.writeUInt32BE(0, 0);
    const zeroWidth = Buffer.concat([bigPng.subarray(0, 8), pngChunk('IHDR', ihdr), bigPng.subarray(33)]);
    imageCase(
      'png/zero-width',
      'PNG whose header says width 0 (valid CRC)',
      'zero.png',
      zeroWidth,
      'corrupt-image',
      /zero\.png: cannot decode image \(Input file has corrupt header/,
    );
  }
  imageCase(
    'png/empty-file',
    'empty .png file',
    'empty.png',
    new Uint8Array(0),
    'corrupt-image',
    /empty\.png: cannot decode image \(Input file contains unsupported image format\)$/,
  );
  imageCase(
    'png/text-file',
    'a text file named .png',
    'text.png',
    'FINDINGS: this is a report, not an image\n',
    'corrupt-image',
    /text\.png: cannot decode image \(Input file contains unsupported image format\)$/,
  );
  imageCase('png/missing', 'image file that does not exist', 'gone.png', null, 'missing-image', /gone\.png: cannot read image file \(ENOENT\)$/);
  {
    const id = 'png/directory';
    const images = ['shared/img/good-a.png', `${dir(id)}/dir.png`, 'shared/img/good-b.png'];
    add(
      id,
      'a directory where the image should be',
      { reader: 'loader', list: `${dir(id)}/images.csv`, images },
      records(
        ['good-a', 'good-b'],
        [{ file: 'images.csv', line: 3, field: 'image', reason: 'missing-image', detail: /dir\.png: not a file \(a directory or a device\)$/ }],
      ),
      {
        'dir.png/inside.txt': 'a folder named like an image',
        'images.csv': listing(images),
      },
    );
  }
  const dot = await sharp(Buffer.from([77]), { raw: { width: 1, height: 1, channels: 1 } })
    .png()
    .toBuffer();
  imageCase(
    'png/1x1',
    '1 × 1 PNG',
    'dot.png',
    dot,
    'image-size',
    /dot\.png: image is 1×1, under the minimum of 16 px a side \(minSide\); refused before decoding$/,
  );
  const thin = await sharp(noise(15, 400), { raw: { width: 15, height: 400, channels: 1 } })
    .png()
    .toBuffer();
  imageCase(
    'png/15x400',
    '15 × 400 PNG (one side under 16 px)',
    'thin.png',
    thin,
    'image-size',
    /thin\.png: image is 15×400, under the minimum of 16 px a side/,
  );
  imageCase(
    'png/20000x20000',
    'valid 20,000 × 20,000 PNG of 49 KB (400 M pixels once decoded)',
    'huge.png',
    blankPng(20000, 20000),
    'image-size',
    /huge\.png: image is 20000×20000 \(400,000,000 pixels\), over the limit of 67,108,864 pixels \(maxPixels\); refused before decoding$/,
  );
  imageCase(
    'png/8193x8192',
    'valid 8193 × 8192 PNG: one column over the default pixel limit',
    'over.png',
    blankPng(8193, 8192),
    'image-size',
    /over\.png: image is 8193×8192 \(67,117,056 pixels\), over the limit of 67,108,864 pixels/,
  );

  // 16-bit and other good encodings, opened directly: size, channels, depth and samples as written.
  const openCase = (
    id: string,
    what: string,
    name: string,
    bytes: Uint8Array,
    info: { width: number; height: number; channels: number; bitDepth: number; samples: number[] },
  ) => add(id, what, { reader: 'open', image: `${dir(id)}/${name}` }, records([name.replace(/\.[^.]+$/, '')], [], info), { [name]: bytes });
  const ramp16 = Uint16Array.from({ length: 32 * 24 }, (_, i) => [0, 1, 65535, 40000][i] ?? (i * 83) % 65536);
  // What opening the 16-bit grey ramp gives, with or without an alpha channel beside it (alpha is dropped).
  const grey16Opened = { width: 32, height: 24, channels: 1, bitDepth: 16, samples: [0, 1, 65535, 40000] };
  openCase(
    'png16/grey',
    '16-bit grey PNG (values 0, 1, 65535, 40000 kept exactly)',
    'g16.png',
    await sharp(ramp16, { raw: { width: 32, height: 24, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toBuffer(),
    grey16Opened,
  );
  const ga16 = new Uint16Array(32 * 24 * 2);
  for (let i = 0; i < 32 * 24; i++) [ga16[2 * i], ga16[2 * i + 1]] = [ramp16[i], 1000 + i];
  openCase(
    'png16/grey-alpha',
    '16-bit grey + alpha PNG (alpha dropped, grey kept)',
    'ga16.png',
    await sharp(ga16, { raw: { width: 32, height: 24, channels: 2 } })
      .toColourspace('grey16')
      .png()
      .toBuffer(),
    grey16Opened,
  );
  const rgb16 = Uint16Array.from({ length: 24 * 16 * 3 }, (_, i) => [65535, 0, 300, 12345][i] ?? i * 7);
  openCase(
    'png16/rgb',
    '16-bit RGB PNG',
    'rgb16.png',
    await sharp(rgb16, { raw: { width: 24, height: 16, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer(),
    { width: 24, height: 16, channels: 3, bitDepth: 16, samples: [65535, 0, 300, 12345] },
  );
  openCase('jpeg/ok', 'baseline grey JPEG', 'ok.jpg', goodJpg, {
    width: 96,
    height: 80,
    channels: 1,
    bitDepth: 8,
    samples: Array.from((await sharp(goodJpg).toColourspace('b-w').raw().toBuffer()).subarray(0, 4)),
  });

  // JPEG
  imageCase(
    'jpeg/truncated-header',
    'JPEG cut inside its tables',
    'cut.jpg',
    cut(goodJpg, 100),
    'corrupt-image',
    /cut\.jpg: cannot decode image \(Input file has corrupt header: VipsJpeg: premature end of JPEG image/,
  );
  imageCase(
    'jpeg/truncated-scan',
    'JPEG cut in the middle of its scan',
    'cut.jpg',
    cut(goodJpg, Math.floor(goodJpg.length * (0.4 + 0.3 * rng.uniform()))),
    'corrupt-image',
    corrupt('cut.jpg'),
  );
  imageCase(
    'jpeg/no-eoi',
    'JPEG missing its last two bytes (end-of-image marker)',
    'cut.jpg',
    cut(goodJpg, goodJpg.length - 2),
    'corrupt-image',
    corrupt('cut.jpg'),
  );
  imageCase(
    'jpeg/sof-20000x20000',
    'JPEG whose frame header claims 20,000 × 20,000',
    'huge.jpg',
    jpegClaimingSize(goodJpg, 20000, 20000),
    'image-size',
    /huge\.jpg: image is 20000×20000 \(400,000,000 pixels\), over the limit/,
  );
  imageCase(
    'jpeg/sof-zero-height',
    'JPEG whose frame header claims height 0',
    'zero.jpg',
    jpegClaimingSize(goodJpg, 96, 0),
    'corrupt-image',
    corrupt('zero.jpg'),
  );
  {
    // JPEG has no checksum: a flipped byte in the entropy-coded data decodes to wrong pixels without a
    // warning. Documented as undetectable; the case pins that it decodes rather than crashing.
    const sos = goodJpg.indexOf(Buffer.from([0xff, 0xda]));
    const at = sos + 20 + rng.int(goodJpg.length - sos - 40);
    imageCase(
      'jpeg/bitflip-scan',
      `JPEG with a flipped bit in its scan data (byte ${at}): undetectable, decodes`,
      'flip.jpg',
      flip(goodJpg, at, 0x10),
      null,
      /./,
    );
  }

  // DICOM
  const dcmPixels = Array.from({ length: 32 * 24 }, (_, i) => (i * 37) % 4096);
  const dcm = writeTestDicom({ width: 32, height: 24, pixels: dcmPixels, window: { center: 2048, width: 4096 } });
  openCase('dicom/ok-mono2', '16-bit MONOCHROME2 DICOM with a VOI window', 'ok.dcm', dcm, {
    width: 32,
    height: 24,
    channels: 1,
    bitDepth: 16,
    samples: [
      0,
      Math.round(((37 - 2047.5) / 4095 + 0.5) * 65535),
      Math.round(((74 - 2047.5) / 4095 + 0.5) * 65535),
      Math.round(((111 - 2047.5) / 4095 + 0.5) * 65535),
    ],
  });
  openCase(
    'dicom/ok-mono1-signed',
    'signed 16-bit MONOCHROME1 DICOM with a rescale, no window (inverted, data range)',
    'm1.dcm',
    writeTestDicom({
      width: 16,
      height: 16,
      pixels: Array.from({ length: 256 }, (_, i) => i - 128),
      signed: true,
      photometric: 'MONOCHROME1',
      rescale: { slope: 2, intercept: 10 },
    }),
    {
      width: 16,
      height: 16,
      channels: 1,
      bitDepth: 16,
      // Rescaled values 2·(i − 128) + 10 span [−246, 264]: the data-range window maps them linearly
      // over 510 steps (DICOM linear VOI), then MONOCHROME1 inverts.
      samples: [0, 2, 4, 6].map((k) => Math.round((1 - k / 510) * 65535)),
    },
  );
  const notDicom = /cut\.dcm: cannot decode image \(Input buffer contains unsupported image format\)$/;
  imageCase('dicom/truncated-preamble', 'DICOM cut inside its 128-byte preamble (no DICM magic left)', 'cut.dcm', cut(dcm, 100), 'corrupt-image', notDicom);
  imageCase(
    'dicom/truncated-meta',
    'DICOM cut inside its file meta group',
    'cut.dcm',
    cut(dcm, 150),
    'corrupt-image',
    /cut\.dcm: not a readable DICOM file, truncated or corrupt \(.*(past end of buffer|buffer overrun)\)$/,
  );
  imageCase(
    'dicom/truncated-pixels',
    'DICOM cut inside its pixel data',
    'cut.dcm',
    cut(dcm, dcm.length - 1 - rng.int(500)),
    'corrupt-image',
    /cut\.dcm: not a readable DICOM file, truncated or corrupt \(dicomParser:parseDicomDataSetExplicit: buffer overrun\)$/,
  );
  {
    const b = Buffer.from(dcm);
    const at = b.indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]), 132);
    b.writeUInt32LE(0x7ffffff0, at + 8);
    imageCase(
      'dicom/pixel-length-2gb',
      'DICOM whose Pixel Data length field says 2 GB',
      'len.dcm',
      b,
      'corrupt-image',
      /len\.dcm: not a readable DICOM file, truncated or corrupt \(dicomParser:parseDicomDataSetExplicit: buffer overrun\)$/,
    );
  }
  imageCase(
    'dicom/compressed',
    'DICOM with JPEG-compressed pixel data (transfer syntax 1.2.840.10008.1.2.4.50)',
    'jpeg.dcm',
    writeTestDicom({ width: 16, height: 16, pixels: dcmPixels.slice(0, 256), transferSyntax: '1.2.840.10008.1.2.4.50' }),
    'corrupt-image',
    /jpeg\.dcm: unsupported DICOM transfer syntax 1\.2\.840\.10008\.1\.2\.4\.50 \(compressed pixel data\)/,
  );
  imageCase(
    'dicom/rgb',
    'RGB DICOM',
    'rgb.dcm',
    writeTestDicom({ width: 16, height: 16, pixels: Array.from({ length: 768 }, (_, i) => i % 256), photometric: 'RGB' }),
    'corrupt-image',
    /rgb\.dcm: unsupported DICOM photometric interpretation RGB with 3 samples per pixel/,
  );
  imageCase(
    'dicom/bits-12',
    'DICOM with Bits Allocated 12',
    'b12.dcm',
    writeTestDicom({ width: 16, height: 16, pixels: dcmPixels.slice(0, 256), bitsAllocated: 12 as 16 }),
    'corrupt-image',
    /b12\.dcm: unsupported DICOM Bits Allocated 12 \(need 8 or 16\)$/,
  );
  imageCase(
    'dicom/rows-0',
    'DICOM with Rows 0',
    'r0.dcm',
    writeTestDicom({ width: 16, height: 0, pixels: [1, 2] }),
    'corrupt-image',
    /r0\.dcm: DICOM image is 16×0 \(Columns × Rows\): empty$/,
  );
  imageCase(
    'dicom/1x1',
    '1 × 1 DICOM',
    'dot.dcm',
    writeTestDicom({ width: 1, height: 1, pixels: [5] }),
    'image-size',
    /dot\.dcm: image is 1×1, under the minimum of 16 px a side/,
  );
  imageCase(
    'dicom/20000x20000',
    'DICOM header claiming 20,000 × 20,000 (pixel data absent)',
    'huge.dcm',
    writeTestDicom({ width: 20000, height: 20000, pixels: [1, 2] }),
    'image-size',
    /huge\.dcm: image is 20000×20000 \(400,000,000 pixels\), over the limit .*refused before decoding$/,
  );
  {
    const b = Buffer.from(dcm);
    // Flip bytes of the header (elements, lengths, values) but not the preamble, magic or pixel values.
    const pix = b.indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]), 132);
    for (let k = 0; k < 12; k++) b[144 + rng.int(pix - 144)] ^= 1 + rng.int(255);
    imageCase(
      'dicom/header-bitflips',
      'DICOM with 12 random bytes of its header flipped',
      'flip.dcm',
      b,
      'corrupt-image',
      /flip\.dcm: (not a readable DICOM file|unsupported DICOM|DICOM )/,
    );
  }

  // Loader: several bad images between good ones, batches of 2: every good one, in order.
  {
    const id = 'loader/interleaved';
    const images = [
      'shared/img/a.png',
      `${dir(id)}/junk.png`,
      'shared/img/b.png',
      `${dir(id)}/huge.png`,
      `${dir(id)}/cut.jpg`,
      'shared/img/c.png',
      `${dir(id)}/dot.png`,
      'shared/img/d.png',
    ];
    const own: Record<string, Content> = {
      'junk.png': 'junk',
      'huge.png': blankPng(20000, 20000),
      'cut.jpg': cut(goodJpg, 300),
      'dot.png': dot,
      'images.csv': listing(images),
    };
    add(
      id,
      'four bad images among four good ones, batches of 2',
      { reader: 'loader', list: `${dir(id)}/images.csv`, images },
      records(
        ['a', 'b', 'c', 'd'],
        [
          { file: 'images.csv', line: 3, field: 'image', reason: 'corrupt-image', detail: /junk\.png: cannot decode image/ },
          { file: 'images.csv', line: 5, field: 'image', reason: 'image-size', detail: /huge\.png: image is 20000×20000/ },
          { file: 'images.csv', line: 6, field: 'image', reason: 'corrupt-image', detail: corrupt('cut.jpg') },
          { file: 'images.csv', line: 8, field: 'image', reason: 'image-size', detail: /dot\.png: image is 1×1/ },
        ],
      ),
      own,
    );
  }
  {
    const id = 'loader/all-bad';
    const images = [`${dir(id)}/x.png`, `${dir(id)}/y.png`];
    add(
      id,
      'every image bad: an error, not an endless loop',
      { reader: 'loader', list: `${dir(id)}/images.csv`, images },
      {
        skip: error(/^Loader: epoch 0 gave no batch: 0 of 2 records decoded, batch size 2; skipped 2 \(corrupt-image 2\)$/),
        fail: error(/^corrupt-image: .*x\.png: cannot decode image/, { file: 'images.csv', line: 2, field: 'image' }),
      },
      { 'x.png': 'x', 'y.png': 'y', 'images.csv': listing(images) },
    );
  }

  // ---- the authors' CSV: good rows a, b, c around the case's rows ------------------------------
  const HEAD = 'img_path,report';
  const A = 'a.png,"FINDINGS: Small left pleural effusion. IMPRESSION: Effusion."';
  const B = 'b.png,Lungs are clear.';
  const C = 'c.png,No acute cardiopulmonary process.';
  const csvCase = (id: string, what: string, content: Content, expect: FuzzCase['expect'], extra: { windows?: Content; labels?: string[] } = {}) =>
    add(
      id,
      what,
      {
        reader: 'authors',
        csv: `${dir(id)}/reports.csv`,
        windows: extra.windows !== undefined ? `${dir(id)}/windows.csv` : undefined,
        labels: extra.labels,
        imageRoot: 'shared/img',
      },
      expect,
      extra.windows !== undefined ? { 'reports.csv': content, 'windows.csv': extra.windows } : { 'reports.csv': content },
    );
  const rows = (...r: string[]) => `${r.join('\n')}\n`;
  const badRow = (line: number, field: string | undefined, reason: string, detail: RegExp, file = 'reports.csv'): BadAt => ({
    file,
    line,
    field,
    reason,
    detail,
  });
  const abc = ['a', 'b', 'c'];

  // Reports
  csvCase(
    'report/empty',
    'empty report',
    rows(HEAD, A, 'd.png,', B, C),
    records(abc, [badRow(3, 'report', 'empty-report', /^no report text after section extraction$/)]),
  );
  csvCase(
    'report/blank',
    'report of spaces, tabs and line breaks',
    rows(HEAD, A, 'd.png," \t\r\n  "', B, C),
    records(abc, [badRow(3, 'report', 'empty-report', /^no report text/)]),
  );
  csvCase(
    'report/headers-only',
    'report with headers but no FINDINGS or IMPRESSION text',
    rows(HEAD, A, 'd.png,"INDICATION: cough\nCOMPARISON: none"', B, C),
    records(abc, [badRow(3, 'report', 'empty-report', /^no report text/)]),
  );
  {
    // Random bytes with a NUL early on, quoted (quotes doubled) so the row stays one row.
    const bytes = Buffer.from(Uint8Array.from({ length: 200 }, () => rng.int(256)));
    bytes[5] = 0;
    const quoted = Buffer.from(bytes.toString('latin1').replace(/"/g, '""'), 'latin1');
    const content = Buffer.concat([Buffer.from(`${HEAD}\n${A}\nd.png,"`), quoted, Buffer.from(`"\n${B}\n${C}\n`)]);
    csvCase(
      'report/binary',
      '200 random bytes as the report (NUL at byte 5)',
      content,
      records(abc, [badRow(3, 'report', 'binary-data', /^binary data: (a NUL byte|control character U\+[0-9A-F]{4}) at character \d+$/)]),
    );
  }
  csvCase(
    'report/nul',
    'report with one NUL byte in ordinary text',
    rows(HEAD, A, 'd.png,Heart size normal.\u0000 Lungs clear.', B, C),
    records(abc, [badRow(3, 'report', 'binary-data', /^binary data: a NUL byte at character 18$/)]),
  );
  csvCase(
    'report/escape-codes',
    'report with terminal escape codes',
    rows(HEAD, A, 'd.png,\u001b[31mLungs clear.\u001b[0m', B, C),
    records(abc, [badRow(3, 'report', 'binary-data', /^binary data: control character U\+001B at character 0$/)]),
  );
  csvCase(
    'report/latin1',
    'report in Latin-1 (é as byte E9): not UTF-8',
    Buffer.concat([Buffer.from(`${HEAD}\n${A}\nd.png,Opacit`), Buffer.from([0xe9]), Buffer.from(` in the right lung.\n${B}\n${C}\n`)]),
    records(abc, [badRow(3, 'report', 'binary-data', /^not UTF-8: undecodable bytes at character 6 \(save the file as UTF-8\)$/)]),
  );
  csvCase(
    'report/1mb',
    'a 1 MB report (accepted)',
    rows(HEAD, A, `d.png,"FINDINGS: ${'No pleural effusion. '.repeat(50_000)}"`, B, C),
    records(['a', 'd', 'b', 'c']),
  );
  csvCase(
    'report/utf8-accents',
    'UTF-8 report with accents and a genuine U+FFFD (accepted)',
    rows(HEAD, A, 'd.png,Opacité — ½ cm \ufffd noted.', B, C),
    records(['a', 'd', 'b', 'c']),
  );

  // CSV structure
  csvCase('csv/bom', 'UTF-8 byte-order mark', `\uFEFF${rows(HEAD, A, B, C)}`, records(abc));
  csvCase(
    'csv/crlf',
    'CRLF line ends, a quoted field with CRLF inside',
    `${HEAD}\r\n${A}\r\nd.png,"FINDINGS: line one\r\nline two."\r\n${B}\r\n${C}\r\n`,
    records(['a', 'd', 'b', 'c']),
  );
  csvCase('csv/cr', 'CR-only line ends (classic Mac)', `${HEAD}\r${A}\r${B}\r${C}\r`, records(abc));
  csvCase('csv/mixed-eol', 'LF, CRLF and CR line ends mixed in one file', `${HEAD}\r\n${A}\n${B}\r${C}\r\n`, records(abc));
  csvCase('csv/blank-lines', 'blank and blank-only lines between rows, no final line end', `${HEAD}\n\n${A}\n   \n${B}\n\n\n${C}`, records(abc));
  csvCase(
    'csv/extra-columns',
    'extra unknown columns (an unnamed pandas index first)',
    rows(',img_path,extra,report', `0,a.png,x,Clear.`, `1,b.png,y,"FINDINGS: z."`, `2,c.png,,Normal.`),
    records(abc),
  );
  csvCase(
    'csv/stray-quote',
    'a quote inside an unquoted field',
    rows(HEAD, A, 'd.png,He said "no effusion" today', B, C),
    records(abc, [badRow(3, 'report', 'unreadable-row', /^a quote inside an unquoted field/)]),
  );
  csvCase(
    'csv/after-closing-quote',
    'text after a closing quote (csv-parse lost every later row here)',
    rows(HEAD, A, 'd.png,"FINDINGS: clear"ish', B, C),
    records(abc, [badRow(3, 'report', 'unreadable-row', /^text after the closing quote of a quoted field/)]),
  );
  csvCase(
    'csv/after-closing-quote-multiline',
    'text after the closing quote of a field that spans three lines',
    rows(HEAD, A, 'd.png,"FINDINGS: one\ntwo\nthree"x', B, C),
    records(abc, [badRow(3, 'report', 'unreadable-row', /^text after the closing quote of a quoted field .* \(on line 5\)$/)]),
  );
  csvCase(
    'csv/unclosed-quote',
    'a quote that never closes (every later line would be one field)',
    rows(HEAD, A, 'd.png,"FINDINGS: never closed', B, C),
    error(/^unclosed quote: the quoted field that opens on line 3 never closes/, { file: 'reports.csv', line: 3, field: 'report' }),
  );
  csvCase(
    'csv/unclosed-quote-header',
    'a quote in the header that never closes',
    rows('img_path,"report', 'a.png,x', 'b.png,y'),
    error(/^unclosed quote in the header line$/, { file: 'reports.csv', line: 1 }),
  );
  csvCase(
    'csv/quote-in-header',
    'a header quote that closes on line 2, in the first row',
    rows('img_path,"report', A, B),
    error(/^malformed header \(column 2, on line 2\): text after the closing quote/, { file: 'reports.csv', line: 1 }),
  );
  csvCase(
    'csv/missing-img-path',
    'no img_path column',
    rows('image,report', 'a.png,x'),
    error(/^missing column "img_path" \(header: image, report\)$/, { file: 'reports.csv', line: 1 }),
  );
  csvCase(
    'csv/missing-report',
    'no report column',
    rows('img_path,text', 'a.png,x'),
    error(/^missing column "report" \(header: img_path, text\)$/, { file: 'reports.csv', line: 1 }),
  );
  csvCase('csv/header-only', 'a header and no rows: no records, nothing skipped', rows(HEAD), records([]));
  csvCase('csv/empty-file', 'an empty file', '', error(/^empty CSV \(no header\)$/, { file: 'reports.csv' }));
  csvCase(
    'csv/duplicate-column',
    'report column twice',
    rows('img_path,report,report', 'a.png,x,y'),
    error(/^column "report" appears twice in the header \(columns 2 and 3\)$/, { file: 'reports.csv', line: 1 }),
  );
  csvCase(
    'csv/too-few-fields',
    'a row with one field',
    rows(HEAD, A, 'd.png', B, C),
    records(abc, [badRow(3, undefined, 'unreadable-row', /^1 fields, header has 2$/)]),
  );
  csvCase(
    'csv/too-many-fields',
    'a row with an unquoted comma in the report',
    rows(HEAD, A, 'd.png,No effusion, no pneumothorax.', B, C),
    records(abc, [badRow(3, undefined, 'unreadable-row', /^3 fields, header has 2$/)]),
  );
  csvCase(
    'csv/duplicate-row',
    'the same row twice',
    rows(HEAD, A, B, B, C),
    records(abc, [badRow(4, 'img_path', 'duplicate', /^".*b\.png" already appears on line 3; the first row is kept$/)]),
  );
  csvCase(
    'csv/duplicate-image',
    'one image with two different reports',
    rows(HEAD, A, B, C, 'a.png,Other report.'),
    records(abc, [badRow(5, 'img_path', 'duplicate', /^".*a\.png" already appears on line 2/)]),
  );
  csvCase(
    'csv/utf16-bom',
    'UTF-16 LE with a byte-order mark',
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rows(HEAD, A), 'utf16le')]),
    error(/^the file is UTF-16 \(byte-order mark FF FE\); save it as UTF-8$/, { file: 'reports.csv' }),
  );
  csvCase(
    'csv/utf16-no-bom',
    'UTF-16 LE without a byte-order mark',
    Buffer.from(rows(HEAD, A), 'utf16le'),
    error(/^the header holds NUL bytes: not a UTF-8 text CSV/, { file: 'reports.csv', line: 1 }),
  );
  {
    const bytes = Buffer.from(Uint8Array.from({ length: 4096 }, () => rng.int(256)));
    bytes[3] = 0;
    bytes[1] = 0x41; // no quote or line break before the NUL
    bytes[0] = 0x41;
    bytes[2] = 0x41;
    csvCase(
      'csv/binary-file',
      '4 KB of random bytes as the CSV',
      bytes,
      error(/^(the header holds NUL bytes|unclosed quote in the header line|malformed header)/, { file: 'reports.csv', line: 1 }),
    );
  }
  csvCase(
    'csv/empty-img-path',
    'a row with an empty image path',
    rows(HEAD, A, ',Lungs clear.', B, C),
    records(abc, [badRow(3, 'img_path', 'missing-field', /^empty image path$/)]),
  );
  csvCase(
    'csv/missing-image',
    'a row whose image does not exist',
    rows(HEAD, A, 'nope.png,Lungs clear.', B, C),
    records(abc, [badRow(3, 'img_path', 'missing-image', /nope\.png does not exist$/)]),
  );
  csvCase(
    'csv/labels',
    'label cells: empty, 2, yes, -1 (bad); 1.0 and 0 (fine)',
    rows('img_path,report,effusion', 'a.png,x,1.0', 'd.png,x,', 'e.png,x,2', 'b.png,x,0', 'f.png,x,yes', 'g.png,x,-1', 'c.png,x,1'),
    records(
      ['a:1', 'b:0', 'c:1'],
      [
        badRow(3, 'effusion', 'bad-value', /^label must be 0 or 1, got ""$/),
        badRow(4, 'effusion', 'bad-value', /^label must be 0 or 1, got "2"$/),
        badRow(6, 'effusion', 'bad-value', /^label must be 0 or 1, got "yes"$/),
        badRow(7, 'effusion', 'bad-value', /^label must be 0 or 1, got "-1"$/),
      ],
    ),
    { labels: ['effusion'] },
  );
  csvCase(
    'csv/missing-label-column',
    'a label column absent from the header',
    rows(HEAD, A),
    error(/^missing column "edema"/, { file: 'reports.csv', line: 1 }),
    { labels: ['edema'] },
  );

  // Windows (row-aligned with the CSV)
  const W = 'label_i,label_j';
  const win = (expect: FuzzCase['expect'], ...wrows: string[]) => ({ content: rows(W, ...wrows), expect });
  const windowCase = (id: string, what: string, main: string, w: { content: Content; expect: FuzzCase['expect'] }) =>
    csvCase(id, what, main, w.expect, { windows: w.content });
  const main4 = rows(HEAD, A, 'd.png,Clear.', B, C);
  const winBad = (line: number, field: string, got: string) =>
    badRow(line, field, 'bad-value', new RegExp(`^window offset must be 0, 1 or 2, got "${got.replace(/[.+-]/g, '\\$&')}"$`), 'windows.csv');
  windowCase('windows/ok', 'windows row-aligned with the CSV', main4, win(records(['a@01', 'd@22', 'b@10', 'c@11']), '0,1', '2,2', '1,0', '1,1'));
  // One bad offset in the second window row: that sample only is left out.
  const badOffsets: [id: string, what: string, row: string, field: string, got: string][] = [
    ['out-of-range', 'a window offset of 3', '3,2', 'label_i', '3'],
    ['negative', 'a window offset of -1', '2,-1', 'label_j', '-1'],
    ['fraction', 'a window offset of 1.5', '1.5,1', 'label_i', '1.5'],
    ['text', 'a window offset "left"', '1,left', 'label_j', 'left'],
    ['empty-cell', 'an empty window cell (was read as 0)', ',1', 'label_i', ''],
    ['huge', 'a window offset of 1e308', '1e308,1', 'label_i', '1e308'],
  ];
  for (const [id, what, row, field, got] of badOffsets)
    windowCase(`windows/${id}`, what, main4, win(records(['a@01', 'b@10', 'c@11'], [winBad(3, field, got)]), '0,1', row, '1,0', '1,1'));
  windowCase(
    'windows/bad-quote',
    'a window row with a stray quote: that sample only is left out, the rest stay aligned',
    main4,
    win(
      records(['a@01', 'b@10', 'c@11'], [badRow(3, 'label_i', 'unreadable-row', /^a quote inside an unquoted field/, 'windows.csv')]),
      '0,1',
      '1",1',
      '1,0',
      '1,1',
    ),
  );
  windowCase(
    'windows/fewer-rows',
    'fewer window rows than CSV rows',
    main4,
    win(error(/^3 window rows but .*reports\.csv has 4 data rows; they must be row-aligned$/, { file: 'windows.csv' }), '0,1', '2,2', '1,0'),
  );
  windowCase(
    'windows/more-rows',
    'more window rows than CSV rows',
    main4,
    win(error(/^5 window rows but .*reports\.csv has 4 data rows/, { file: 'windows.csv' }), '0,1', '2,2', '1,0', '1,1', '0,0'),
  );
  windowCase('windows/missing-column', 'no label_j column', main4, {
    content: rows('label_i', '0', '1', '2', '1'),
    expect: error(/^missing column "label_j" \(header: label_i\)$/, { file: 'windows.csv', line: 1 }),
  });
  windowCase('windows/bom-crlf', 'window CSV with a BOM and CRLF line ends', main4, {
    content: `\uFEFF${W}\r\n0,1\r\n2,2\r\n1,0\r\n1,1\r\n`,
    expect: records(['a@01', 'd@22', 'b@10', 'c@11']),
  });

  // ---- IU X-ray ----------------------------------------------------------------------------------
  const iuCase = (id: string, what: string, reports: string, projections: string, expect: FuzzCase['expect']) =>
    add(
      id,
      what,
      { reader: 'iu', reports: `${dir(id)}/indiana_reports.csv`, projections: `${dir(id)}/indiana_projections.csv`, imageRoot: 'shared/img' },
      expect,
      { 'indiana_reports.csv': reports, 'indiana_projections.csv': projections },
    );
  const IUH = 'uid,MeSH,Problems,image,indication,comparison,findings,impression';
  const IUP = 'uid,filename,projection';
  iuCase(
    'iu/empty-report',
    'a report with neither findings nor impression',
    rows(IUH, '1,normal,normal,x,,,Clear.,Normal.', '2,normal,normal,x,,,,', '3,normal,normal,x,,,Clear.,'),
    rows(IUP, '1,a.png,Frontal', '2,b.png,Frontal', '3,c.png,Frontal'),
    records(['a', 'c'], [badRow(3, 'findings', 'empty-report', /^findings and impression are both empty$/, 'indiana_reports.csv')]),
  );
  iuCase(
    'iu/no-report-row',
    'an image whose uid has no report row (was dropped silently)',
    rows(IUH, '1,normal,normal,x,,,Clear.,Normal.'),
    rows(IUP, '1,a.png,Frontal', '9,b.png,Frontal', '1,c.png,Frontal'),
    records(['a', 'c'], [badRow(3, 'uid', 'no-match', /^uid "9" has no row in .*indiana_reports\.csv$/, 'indiana_projections.csv')]),
  );
  iuCase(
    'iu/duplicate-uid',
    'two report rows with one uid',
    rows(IUH, '1,normal,normal,x,,,Clear.,Normal.', '1,normal,normal,x,,,Other.,Text.'),
    rows(IUP, '1,a.png,Frontal'),
    records(['a'], [badRow(3, 'uid', 'duplicate', /^"1" already appears on line 2/, 'indiana_reports.csv')]),
  );
  iuCase(
    'iu/missing-impression-column',
    'reports CSV without its impression column',
    rows('uid,findings', '1,Clear.'),
    rows(IUP, '1,a.png,Frontal'),
    error(/^missing column "impression"/, { file: 'indiana_reports.csv', line: 1 }),
  );
  iuCase(
    'iu/missing-image',
    'a projection whose image file is absent',
    rows(IUH, '1,normal,normal,x,,,Clear.,Normal.'),
    rows(IUP, '1,a.png,Frontal', '1,zz.png,Frontal', '1,b.png,Frontal'),
    records(['a', 'b'], [badRow(3, 'filename', 'missing-image', /zz\.png does not exist$/, 'indiana_projections.csv')]),
  );

  // ---- MIMIC-CXR ---------------------------------------------------------------------------------
  {
    const study = (s: string) => `files/p10/p10000032/s${s}`;
    const split = rows(
      'dicom_id,subject_id,study_id,split',
      'd1,10000032,50000001,train',
      'd2,10000032,50000002,train',
      'd3,10000032,50000003,train',
      'd4,10000032,50000004,train',
      'd5,10000032,50000005,train',
      'd1,10000032,50000001,train',
      'd6,10000032,50000006,train',
    );
    const meta = rows('dicom_id,ViewPosition', 'd1,PA', 'd2,PA', 'd3,AP', 'd4,PA', 'd6,PA');
    const own: Record<string, Content> = {
      'split.csv': split,
      'meta.csv': meta,
      [`${study('50000001')}.txt`]: 'FINDINGS: Clear.\nIMPRESSION: Normal.\n',
      [`${study('50000002')}.txt`]: Buffer.from([0x46, 0x49, 0x4e, 0x44, 0x00, 0x9f, 0x00, 0x13]),
      [`${study('50000003')}.txt`]: '',
      [`${study('50000005')}.txt`]: 'FINDINGS: Clear.\n',
      [`${study('50000006')}.txt`]: 'IMPRESSION: Stable.\n',
    };
    for (const [d, s] of [
      ['d1', '50000001'],
      ['d2', '50000002'],
      ['d3', '50000003'],
      ['d4', '50000004'],
      ['d5', '50000005'],
      ['d6', '50000006'],
    ])
      own[`${study(s)}/${d}.jpg`] = 'x';
    const id = 'mimic/mixed';
    add(
      id,
      'binary report, empty report, missing report, id absent from the metadata, repeated dicom_id',
      { reader: 'mimic', root: dir(id), split: `${dir(id)}/split.csv`, metadata: `${dir(id)}/meta.csv` },
      records(
        ['d1', 'd6'],
        [
          { file: `${study('50000002')}.txt`, reason: 'binary-data', detail: /^binary data: a NUL byte at character 4 \(split CSV line 3\)$/ },
          { file: `${study('50000003')}.txt`, reason: 'empty-report', detail: /^no FINDINGS or IMPRESSION section \(split CSV line 4\)$/ },
          { file: 'split.csv', line: 5, field: 'study_id', reason: 'missing-field', detail: /^report .*s50000004\.txt does not exist$/ },
          { file: 'split.csv', line: 6, field: 'dicom_id', reason: 'no-match', detail: /^d5 not in .*meta\.csv$/ },
          { file: 'split.csv', line: 7, field: 'dicom_id', reason: 'duplicate', detail: /^"d1" already appears on line 2/ },
        ],
      ),
      own,
    );
  }

  // ---- FFA-IR --------------------------------------------------------------------------------------
  const ffaCase = (id: string, what: string, json: Content, expect: FuzzCase['expect']) =>
    add(id, what, { reader: 'ffa', json: `${dir(id)}/ffair_annotation.json`, imageRoot: 'shared/img' }, expect, { 'ffair_annotation.json': json });
  ffaCase(
    'ffa/bad-cases',
    'a null case, an Image_path string, an empty list, a numeric report, a report with a NUL',
    '{\n  "train": {\n    "c1": { "Image_path": ["a.png", "b.png"], "En_Report": "Leakage." },\n    "c2": null,\n    "c3": { "Image_path": "a.png", "En_Report": "x" },\n    "c4": { "Image_path": [], "En_Report": "x" },\n    "c5": { "Image_path": ["a.png"], "En_Report": 7 },\n    "c6": { "Image_path": ["a.png"], "En_Report": "bad\\u0000" },\n    "c7": { "Image_path": ["c.png"], "En_Report": "Normal." }\n  }\n}\n',
    records(
      ['c1_0', 'c1_1', 'c7_0'],
      [
        {
          file: 'ffair_annotation.json',
          line: 4,
          field: 'train.c2',
          reason: 'missing-field',
          detail: /^a case must be an object with Image_path and En_Report, got null$/,
        },
        {
          file: 'ffair_annotation.json',
          line: 5,
          field: 'train.c3.Image_path',
          reason: 'missing-field',
          detail: /^Image_path must be a non-empty list of non-empty strings$/,
        },
        { file: 'ffair_annotation.json', line: 6, field: 'train.c4.Image_path', reason: 'missing-field', detail: /^Image_path must be a non-empty list/ },
        { file: 'ffair_annotation.json', line: 7, field: 'train.c5.En_Report', reason: 'empty-report', detail: /^En_Report must be a string, got 7$/ },
        { file: 'ffair_annotation.json', line: 8, field: 'train.c6.En_Report', reason: 'binary-data', detail: /^binary data: a NUL byte at character 3$/ },
      ],
    ),
  );
  ffaCase(
    'ffa/syntax-error',
    'a JSON syntax error on line 3',
    '{\n  "train": {\n    "c1": { "Image_path": ["a.png"], },\n  }\n}\n',
    error(/^:\d+: cannot read FFA-IR annotation JSON \(.*\)$/, { file: 'ffair_annotation.json', line: 3 }),
  );
  ffaCase(
    'ffa/top-level-array',
    'a JSON array at the top level',
    '[{"Image_path": ["a.png"]}]',
    error(/^the top level must be an object of splits \("train", "val", "test"\), got an array$/, { file: 'ffair_annotation.json' }),
  );
  ffaCase('ffa/missing-split', 'no "train" split', '{"test": {}}', error(/^missing split "train" \(keys: test\)$/, { file: 'ffair_annotation.json' }));
  ffaCase(
    'ffa/empty-file',
    'an empty file',
    '',
    error(/^cannot read FFA-IR annotation JSON \(Unexpected end of JSON input\)$/, { file: 'ffair_annotation.json' }),
  );

  // ---- downstream lists ------------------------------------------------------------------------------
  const listCase = (id: string, what: string, text: Content, expect: FuzzCase['expect']) =>
    add(id, what, { reader: 'list', file: `${dir(id)}/train.txt`, imageRoot: 'shared/img' }, expect, { 'train.txt': text });
  listCase(
    'list/bad-label',
    'a label that is not a number',
    'a.png 0 1\nd.png 1 x\nb.png 1 0\n',
    records(['a:01', 'b:10'], [badRow(2, 'label 2', 'bad-value', /^"x" is not a number$/, 'train.txt')]),
  );
  listCase(
    'list/label-count',
    'a line with one label too few',
    'a.png 0 1\nd.png 1\nb.png 1 0\n',
    records(['a:01', 'b:10'], [badRow(2, undefined, 'unreadable-row', /^1 labels, earlier lines have 2$/, 'train.txt')]),
  );
  listCase(
    'list/path-only',
    'a line with a path and no labels',
    'a.png 0 1\nd.png\nb.png 1 0\n',
    records(['a:01', 'b:10'], [badRow(2, undefined, 'unreadable-row', /^expected "path label …"$/, 'train.txt')]),
  );
  listCase('list/bom-crlf', 'a BOM and CRLF line ends', '\uFEFFa.png 0 1\r\nb.png 1 0\r\n', records(['a:01', 'b:10']));
  listCase(
    'list/duplicate',
    'one image listed twice',
    'a.png 0 1\nb.png 1 0\na.png 1 1\n',
    records(['a:01', 'b:10'], [badRow(3, 'path', 'duplicate', /^".*a\.png" already appears on line 1/, 'train.txt')]),
  );
  const siimCase = (id: string, what: string, text: string, expect: FuzzCase['expect']) =>
    add(id, what, { reader: 'siim', file: `${dir(id)}/siim.csv`, imageRoot: 'shared/img', width: 4, height: 4 }, expect, { 'siim.csv': text });
  siimCase(
    'siim/bad-rle',
    'an RLE that is not numbers',
    rows('ImageId,EncodedPixels', 'a,1 2', 'b,one two', 'c,-1'),
    records(['a:2', 'c:0'], [badRow(3, 'EncodedPixels', 'bad-value', /^not a run-length encoding: "one two"$/, 'siim.csv')]),
  );
  siimCase(
    'siim/run-beyond-image',
    'a run past the end of the 4 × 4 image',
    rows('ImageId,EncodedPixels', 'a,1 2', 'b,10 9'),
    error(/^ImageId b: run 0 ends at 19, beyond the 4×4 image$/, { file: 'siim.csv', line: 3, field: 'EncodedPixels' }),
  );
  siimCase(
    'siim/odd-count',
    'an RLE with an odd number of values',
    rows('ImageId,EncodedPixels', 'a,1 2 3'),
    error(/^ImageId a: malformed run-length encoding \(need pairs of non-negative integers\): "1 2 3"$/, { file: 'siim.csv', line: 2, field: 'EncodedPixels' }),
  );
  const boxCase = (id: string, what: string, text: string, expect: FuzzCase['expect']) =>
    add(id, what, { reader: 'boxes', file: `${dir(id)}/boxes.csv`, imageRoot: 'shared/img' }, expect, { 'boxes.csv': text });
  boxCase(
    'boxes/bad',
    'bbox not JSON, reversed, negative, with a string; one image twice',
    rows(
      'image_path,bbox',
      'a.png,"[[1,2,30,40]]"',
      'd.png,nope',
      'e.png,"[[5,5,1,1]]"',
      'f.png,"[[-3,0,5,5]]"',
      'g.png,"[[0,0,""5"",5]]"',
      'b.png,[]',
      'a.png,[]',
    ),
    records(
      ['a:1', 'b:0'],
      [
        badRow(3, 'bbox', 'bad-value', /^not JSON: "nope"$/, 'boxes.csv'),
        badRow(4, 'bbox', 'bad-value', /^expected \[\[x1,y1,x2,y2\],…\] with 0 ≤ x1 < x2, 0 ≤ y1 < y2, got \[\[5,5,1,1\]\]$/, 'boxes.csv'),
        badRow(5, 'bbox', 'bad-value', /got \[\[-3,0,5,5\]\]$/, 'boxes.csv'),
        badRow(6, 'bbox', 'bad-value', /got \[\[0,0,"5",5\]\]$/, 'boxes.csv'),
        badRow(8, 'image_path', 'duplicate', /^".*a\.png" already appears on line 2/, 'boxes.csv'),
      ],
    ),
  );
  const maskCase = (id: string, what: string, text: string, expect: FuzzCase['expect']) =>
    add(id, what, { reader: 'masks', file: `${dir(id)}/masks.csv`, imageRoot: 'shared/img' }, expect, { 'masks.csv': text });
  maskCase(
    'masks/bad',
    'a missing mask, an empty mask path, one image twice',
    rows('img_path,mask_path', 'a.png,b.png', 'c.png,nomask.png', 'd.png,', 'e.png,f.png', 'a.png,c.png'),
    records(
      ['a', 'e'],
      [
        badRow(3, 'mask_path', 'missing-image', /nomask\.png does not exist$/, 'masks.csv'),
        badRow(4, 'mask_path', 'missing-field', /^empty path$/, 'masks.csv'),
        badRow(6, 'img_path', 'duplicate', /already appears on line 2/, 'masks.csv'),
      ],
    ),
  );

  // ---- write -------------------------------------------------------------------------------------------
  const hash = createHash('sha256');
  let bytes = 0;
  for (const rel of [...files.keys()].sort()) {
    const c = files.get(rel)!;
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    writeFileAtomic(join(root, rel), b);
    hash.update(`${rel}\0${b.length}\0`).update(b);
    bytes += b.length;
  }
  return { cases, files: files.size, bytes, digest: hash.digest('hex') };
}
