import { describe, expect, it } from 'vitest';
import { writeTestDicom } from '../../test/helpers/dicom-writer.js';
import { decodeDicom, isDicom } from './dicom.js';

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
    const bytes = writeTestDicom({ width: 2, height: 1, pixels: [10, 20], photometric: 'MONOCHROME1', rescale: { slope: 2, intercept: -20 }, window: { center: 10.5, width: 21 } });
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
});
