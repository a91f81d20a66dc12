/**
 * Writes minimal DICOM files for tests (Part 10 preamble, file meta group,
 * image pixel module), explicit or implicit VR little endian. Not a general
 * DICOM writer: just enough to exercise the decoder.
 */

type Value = { vr: string; bytes: Uint8Array };

const enc = new TextEncoder();
const str = (vr: string, s: string): Value => {
  const pad = vr === 'UI' ? '\0' : ' ';
  const t = s.length % 2 ? s + pad : s;
  return { vr, bytes: enc.encode(t) };
};
const us = (v: number): Value => ({ vr: 'US', bytes: new Uint8Array(new Uint16Array([v]).buffer) });

function element(group: number, elem: number, v: Value, explicit: boolean): Uint8Array {
  const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(v.vr);
  const headerLen = !explicit ? 8 : long ? 12 : 8;
  const out = new Uint8Array(headerLen + v.bytes.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, group, true);
  dv.setUint16(2, elem, true);
  if (!explicit) dv.setUint32(4, v.bytes.length, true);
  else {
    out[4] = v.vr.charCodeAt(0);
    out[5] = v.vr.charCodeAt(1);
    if (long) dv.setUint32(8, v.bytes.length, true);
    else dv.setUint16(6, v.bytes.length, true);
  }
  out.set(v.bytes, headerLen);
  return out;
}

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** Options of {@link writeTestDicom}. */
export interface TestDicom {
  width: number;
  height: number;
  /** 16-bit stored values (8-bit when bitsAllocated = 8). */
  pixels: number[] | Uint16Array;
  bitsAllocated?: 8 | 16;
  signed?: boolean;
  photometric?: 'MONOCHROME1' | 'MONOCHROME2' | 'RGB';
  transferSyntax?: string;
  window?: { center: number; width: number };
  rescale?: { slope: number; intercept: number };
}

/** Encodes a DICOM file. */
export function writeTestDicom(t: TestDicom): Uint8Array {
  const ts = t.transferSyntax ?? '1.2.840.10008.1.2.1';
  const explicit = ts !== '1.2.840.10008.1.2';
  const bits = t.bitsAllocated ?? 16;
  const metaBody = concat([element(0x0002, 0x0010, str('UI', ts), true)]);
  const meta = concat([element(0x0002, 0x0000, { vr: 'UL', bytes: new Uint8Array(new Uint32Array([metaBody.length]).buffer) }, true), metaBody]);
  const pix = bits === 16 ? new Uint8Array(Int16Array.from(t.pixels as number[]).buffer) : Uint8Array.from(t.pixels as number[]);
  const ds: Uint8Array[] = [
    element(0x0028, 0x0002, us(t.photometric === 'RGB' ? 3 : 1), explicit),
    element(0x0028, 0x0004, str('CS', t.photometric ?? 'MONOCHROME2'), explicit),
    element(0x0028, 0x0010, us(t.height), explicit),
    element(0x0028, 0x0011, us(t.width), explicit),
    element(0x0028, 0x0100, us(bits), explicit),
    element(0x0028, 0x0101, us(bits), explicit),
    element(0x0028, 0x0103, us(t.signed ? 1 : 0), explicit),
  ];
  if (t.window) {
    ds.push(element(0x0028, 0x1050, str('DS', String(t.window.center)), explicit));
    ds.push(element(0x0028, 0x1051, str('DS', String(t.window.width)), explicit));
  }
  if (t.rescale) {
    ds.push(element(0x0028, 0x1052, str('DS', String(t.rescale.intercept)), explicit));
    ds.push(element(0x0028, 0x1053, str('DS', String(t.rescale.slope)), explicit));
  }
  ds.push(element(0x7fe0, 0x0010, { vr: bits === 16 ? 'OW' : 'OB', bytes: pix.length % 2 ? concat([pix, new Uint8Array(1)]) : pix }, explicit));
  const preamble = new Uint8Array(132);
  preamble.set(enc.encode('DICM'), 128);
  return concat([preamble, meta, ...ds]);
}
