import { describe, expect, it } from 'vitest';
import { writeTestDicom } from '../../test/helpers/dicom-writer.js';
import { decodeDicom, isDicom, readDicomSize } from './dicom.js';

describe('decodeDicom', () => {
  it('applies the VOI window (DICOM linear) to MONOCHROME2 16-bit data', () => {
    const bytes = writeTestDicom({ width: 4, height: 1, pixels: [0, 100, 150, 400], window: { center: 150.5, width: 101 } });
    expect(isDicom(bytes)).toBe(true);
    const d = decodeDicom(bytes, 'a.dcm');
    expect([d.width, d.height]).toEqual([4, 1]);
    // Window [100, 200]: 0 → 0, 100 → 0, 150 → 0.5, 400 → 1.
    expect(d.data[0]).toBe(0);
    expect(d.data[1]).toBe(0);
    expect(d.data[2]).toBe(Math.round(((150 - 150) / 100 + 0.5) * 65535));
    expect(d.data[3]).toBe(65535);
  });

  it('inverts MONOCHROME1 and applies the rescale before the window', () => {
    const bytes = writeTestDicom({
      width: 2,
      height: 1,
      pixels: [10, 20],
      photometric: 'MONOCHROME1',
      rescale: { slope: 2, intercept: -20 },
      window: { center: 10.5, width: 21 },
    });
    const d = decodeDicom(bytes, 'm1.dcm');
    // Rescaled 0 and 20 → window [0, 20] → 0 and 1 → inverted 1 and 0.
    expect(Array.from(d.data)).toEqual([65535, 0]);
  });

  it('uses the data range without a window, reads implicit VR and signed 8-bit', () => {
    const d = decodeDicom(writeTestDicom({ width: 3, height: 1, pixels: [5, 10, 15], transferSyntax: '1.2.840.10008.1.2' }), 'imp.dcm');
    expect(d.data[0]).toBe(0);
    expect(d.data[2]).toBe(65535);
    expect(d.data[1]).toBeGreaterThan(30000);
    const s = decodeDicom(writeTestDicom({ width: 2, height: 1, pixels: [0xff, 0x01], bitsAllocated: 8, signed: true }), 's8.dcm');
    // −1 < 1 after sign extension.
    expect(s.data[0]).toBeLessThan(s.data[1]);
  });

  it('names the file and the transfer syntax it cannot decode', () => {
    const jpeg = writeTestDicom({ width: 2, height: 1, pixels: [1, 2], transferSyntax: '1.2.840.10008.1.2.4.50' });
    expect(() => decodeDicom(jpeg, 'siim/1.2.3.dcm')).toThrow(/siim\/1\.2\.3\.dcm: unsupported DICOM transfer syntax 1\.2\.840\.10008\.1\.2\.4\.50/);
    const rgb = writeTestDicom({ width: 1, height: 1, pixels: [1, 2, 3], photometric: 'RGB' });
    expect(() => decodeDicom(rgb, 'c.dcm')).toThrow(/c\.dcm: unsupported DICOM photometric interpretation RGB/);
    expect(() => decodeDicom(new Uint8Array(200), 'junk.dcm')).toThrow(/junk\.dcm/);
  });

  it('says what is wrong with a truncated or corrupt file without quoting the file back, and checks limits before the pixels', () => {
    const good = writeTestDicom({ width: 16, height: 12, pixels: Array.from({ length: 192 }, (_, i) => i * 50) });
    for (const cut of [134, 200, good.length - 100]) {
      let msg = '';
      try {
        decodeDicom(good.subarray(0, cut), 't.dcm');
      } catch (err) {
        msg = (err as Error).message;
      }
      // dicom-parser throws { exception, dataSet } with the whole file in dataSet: never stringified.
      expect(msg).toMatch(/^t\.dcm: not a readable DICOM file, truncated or corrupt \((dicomParser|littleEndian)[^)]*(past end of buffer|buffer overrun)\)$/);
      expect(msg.length).toBeLessThan(200);
    }
    expect(() => decodeDicom(writeTestDicom({ width: 20000, height: 20000, pixels: [1, 2] }), 'h.dcm', { maxPixels: 1e6, minSide: 16 })).toThrow(
      /h\.dcm: image is 20000×20000 \(400,000,000 pixels\), over the limit of 1,000,000 pixels/,
    );
    expect(() => decodeDicom(writeTestDicom({ width: 20000, height: 20000, pixels: [1, 2] }), 'h.dcm')).toThrow(
      'h.dcm: DICOM Pixel Data holds 4 bytes, 20000×20000×16 bit needs 800000000 (truncated?)',
    );
    expect(() => decodeDicom(writeTestDicom({ width: 4, height: 0, pixels: [1, 2] }), 'z.dcm')).toThrow('z.dcm: DICOM image is 4×0 (Columns × Rows): empty');
    expect(readDicomSize(good.subarray(0, 150))).toBeNull();
    expect(readDicomSize(good)).toEqual({ width: 16, height: 12 });
    // Zero is no size to check against limits: decodeDicom names the empty image.
    expect(readDicomSize(writeTestDicom({ width: 4, height: 0, pixels: [1, 2] }))).toBeNull();
  });
});
