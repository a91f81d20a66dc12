import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

/** Build a safetensors file by hand (as another writer would) from raw little-endian bytes. */
function handMade(entries: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }>, headerOverride?: string): Buffer {
  const header: Record<string, unknown> = {};
  const chunks: Buffer[] = [];
  let off = 0;
  for (const [k, e] of Object.entries(entries)) {
    header[k] = { dtype: e.dtype, shape: e.shape, data_offsets: [off, off + e.bytes.length] };
    chunks.push(Buffer.from(e.bytes));
    off += e.bytes.length;
  }
  const json = Buffer.from(headerOverride ?? JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, ...chunks]);
}

describe('safetensors', () => {
  useBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'ecamp-st-'));

  it('round-trips float32 tensors, int32 data and metadata; leaves no temp file', () => {
    const path = join(dir, 'a.safetensors');
    writeSafetensors(
      path,
      {
        'blocks.0.w': tf.tensor2d([
          [1.5, -2],
          [3, 4],
        ]),
        ids: { dtype: 'int32', shape: [3], data: Int32Array.from([7, -1, 9]) },
      },
      { step: '12' },
    );
    const { tensors, metadata } = readSafetensors(path);
    expect(metadata).toEqual({ step: '12' });
    expect(tensors['blocks.0.w'].shape).toEqual([2, 2]);
    expect(Array.from(tensors['blocks.0.w'].data)).toEqual([1.5, -2, 3, 4]);
    expect(tensors.ids.dtype).toBe('int32');
    expect(Array.from(tensors.ids.data)).toEqual([7, -1, 9]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // header length is 8-byte aligned, like the reference implementation
    expect(Number(readFileSync(path).readBigUInt64LE(0)) % 8).toBe(0);
  });

  it('reads F16, BF16, I64 and F64 written by other tools', () => {
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3555]).buffer); // 1, -2, ~0.333
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0x4040]).buffer); // 1, 3
    const i64 = new Uint8Array(new BigInt64Array([5n, -3n]).buffer);
    const f64 = new Uint8Array(new Float64Array([0.25]).buffer);
    const path = join(dir, 'b.safetensors');
    writeFileSync(
      path,
      handMade({
        h: { dtype: 'F16', shape: [3], bytes: f16 },
        b: { dtype: 'BF16', shape: [2], bytes: bf16 },
        l: { dtype: 'I64', shape: [2], bytes: i64 },
        d: { dtype: 'F64', shape: [1], bytes: f64 },
      }),
    );
    const { tensors } = readSafetensors(path);
    expect(tensors.h.data[0]).toBe(1);
    expect(tensors.h.data[1]).toBe(-2);
    expect(tensors.h.data[2]).toBeCloseTo(0.3333, 3);
    expect(Array.from(tensors.b.data)).toEqual([1, 3]);
    expect(tensors.l.dtype).toBe('int32');
    expect(Array.from(tensors.l.data)).toEqual([5, -3]);
    expect(Array.from(tensors.d.data)).toEqual([0.25]);
  });

  it('gives errors that name the file and the tensor', () => {
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, Buffer.from([1, 2, 3]));
    expect(() => readSafetensors(bad)).toThrow(/bad\.safetensors is 3 bytes/);
    writeFileSync(bad, handMade({}, '{not json'));
    expect(() => readSafetensors(bad)).toThrow(/bad\.safetensors has an invalid JSON header/);
    writeFileSync(bad, handMade({ x: { dtype: 'F32', shape: [4], bytes: new Uint8Array(8) } }));
    expect(() => readSafetensors(bad)).toThrow(/bad\.safetensors: tensor 'x' offsets \[0, 8\] do not fit 4 × F32/);
    writeFileSync(bad, handMade({ y: { dtype: 'C64', shape: [1], bytes: new Uint8Array(8) } }));
    expect(() => readSafetensors(bad)).toThrow(/tensor 'y' has unsupported dtype 'C64'/);
    const big = new Uint8Array(new BigInt64Array([2n ** 40n]).buffer);
    writeFileSync(bad, handMade({ z: { dtype: 'I64', shape: [1], bytes: big } }));
    expect(() => readSafetensors(bad)).toThrow(/tensor 'z' element 0 = 1099511627776 does not fit int32/);
    expect(() => readSafetensors(join(dir, 'missing.safetensors'))).toThrow(/cannot read .*missing\.safetensors/);
    expect(() => writeSafetensors(join(dir, 'w.safetensors'), { q: { dtype: 'float32', shape: [3], data: new Float32Array(2) } })).toThrow(
      /tensor 'q' shape \[3\] needs 3 values, has 2/,
    );
  });

  it('keeps the old file intact when a write fails', () => {
    const path = join(dir, 'keep.safetensors');
    writeSafetensors(path, { a: tf.tensor1d([1]) });
    const disposed = tf.tensor1d([2]);
    disposed.dispose();
    expect(() => writeSafetensors(path, { a: disposed })).toThrow(/disposed/);
    expect(Array.from(readSafetensors(path).tensors.a.data)).toEqual([1]);
  });

  it('names the path it cannot write and leaves no temporary file', () => {
    expect(() => writeSafetensors(join(dir, 'no-such-folder', 'x.safetensors'), { a: tf.tensor1d([1]) })).toThrow(
      /^writeSafetensors: cannot write .*x\.safetensors: ENOENT/,
    );
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
