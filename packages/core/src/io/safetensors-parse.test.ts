import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { parseSafetensors } from './safetensors-parse.js';
import { writeSafetensors } from './safetensors.js';

function bytesOf(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('parseSafetensors (bytes, no file system)', () => {
  useBackend('cpu');

  it('decodes what writeSafetensors wrote, from a Uint8Array view at an offset and from an ArrayBuffer', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ecamp-stp-')), 'w.safetensors');
    writeSafetensors(path, { cls_token: tf.tensor3d([[[0.5, -1.25, 3]]]), n: { dtype: 'int32', shape: [2], data: Int32Array.from([4, -9]) } }, { format: 'x' });
    const file = readFileSync(path);
    // A view that does not start at its buffer's byte 0 (as Node's pooled Buffers and sliced fetch bodies do).
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    for (const input of [padded.subarray(3), padded.slice(3).buffer]) {
      const { tensors, metadata } = parseSafetensors(input, 'w.safetensors');
      expect(metadata).toEqual({ format: 'x' });
      expect(tensors.cls_token.shape).toEqual([1, 1, 3]);
      expect(Array.from(tensors.cls_token.data)).toEqual([0.5, -1.25, 3]);
      expect(tensors.n.dtype).toBe('int32');
      expect(Array.from(tensors.n.data)).toEqual([4, -9]);
    }
  });

  it('converts F16 and BF16 to float32', () => {
    const data = new Uint8Array([...new Uint8Array(new Uint16Array([0x3c00, 0xc000]).buffer), ...new Uint8Array(new Uint16Array([0x4040]).buffer)]);
    const { tensors } = parseSafetensors(
      bytesOf({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] } }, data),
    );
    expect(Array.from(tensors.h.data)).toEqual([1, -2]);
    expect(Array.from(tensors.b.data)).toEqual([3]);
  });

  it('names the source and the tensor in its errors', () => {
    expect(() => parseSafetensors(new Uint8Array(3), 'upload.safetensors')).toThrow(/^parseSafetensors: upload\.safetensors is 3 bytes, too short/);
    expect(() => parseSafetensors(bytesOf('{oops'), 'a.bin')).toThrow(/parseSafetensors: a\.bin has an invalid JSON header/);
    expect(() => parseSafetensors(bytesOf('[1,2]'), 'a.bin')).toThrow(/a\.bin has a JSON header that is not an object/);
    expect(() => parseSafetensors(bytesOf({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 8] } }, new Uint8Array(8)), 'a.bin')).toThrow(
      /a\.bin: tensor 'w' offsets \[0, 8\] do not fit 4 × F32/,
    );
    // A PNG chosen instead of a checkpoint: its first 8 bytes read as an absurd header length.
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    expect(() => parseSafetensors(png, 'chest.png')).toThrow(/parseSafetensors: chest\.png declares a \d+-byte header but the file has 12 bytes/);
  });
});
