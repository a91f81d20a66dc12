import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tf } from '../tf.js';
import type { TensorData } from '../tensor_data.js';

/** Contents of a safetensors file: tensors (as plain arrays) and the string metadata. */
export interface SafetensorsFile {
  tensors: Record<string, TensorData>;
  metadata: Record<string, string>;
}

/** A value {@link writeSafetensors} accepts: a tf tensor or plain data. */
export type WritableTensor = tf.Tensor | TensorData;

const BYTES: Record<string, number> = { F32: 4, I32: 4, I64: 8, F16: 2, BF16: 2, F64: 8, U8: 1, BOOL: 1, I8: 1, I16: 2 };

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f === 0 ? s * Infinity : NaN;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * Read a safetensors file (https://github.com/huggingface/safetensors). F32 and F64/F16/BF16 become
 * float32; I32, I64 (range-checked), I16, I8, U8 and BOOL become int32. Errors name the file and tensor.
 *
 * @example const { tensors, metadata } = readSafetensors('weights.safetensors');
 */
export function readSafetensors(path: string): SafetensorsFile {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new Error(`readSafetensors: cannot read ${path}: ${(err as Error).message}`);
  }
  if (buf.length < 8) throw new Error(`readSafetensors: ${path} is ${buf.length} bytes, too short for a header`);
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (headerLen <= 0 || 8 + headerLen > buf.length) {
    throw new Error(`readSafetensors: ${path} declares a ${headerLen}-byte header but the file has ${buf.length} bytes`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`readSafetensors: ${path} has an invalid JSON header: ${(err as Error).message}`);
  }
  const dataStart = 8 + headerLen;
  const dataLen = buf.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors: Record<string, TensorData> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      for (const [k, v] of Object.entries((entry ?? {}) as Record<string, unknown>)) metadata[k] = String(v);
      continue;
    }
    const where = `${path}: tensor '${name}'`;
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) throw new Error(`readSafetensors: ${where} has no header entry object`);
    const dtype = String(e.dtype);
    const width = BYTES[dtype];
    if (width === undefined) throw new Error(`readSafetensors: ${where} has unsupported dtype '${dtype}'`);
    if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error(`readSafetensors: ${where} has invalid shape ${JSON.stringify(e.shape)}`);
    }
    const shape = e.shape as number[];
    if (!Array.isArray(e.data_offsets) || e.data_offsets.length !== 2) {
      throw new Error(`readSafetensors: ${where} has invalid data_offsets ${JSON.stringify(e.data_offsets)}`);
    }
    const [begin, end] = e.data_offsets as number[];
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(begin >= 0 && end <= dataLen && end - begin === count * width)) {
      throw new Error(
        `readSafetensors: ${where} offsets [${begin}, ${end}] do not fit ${count} × ${dtype} in a ${dataLen}-byte data section`,
      );
    }
    // Copy into an aligned buffer: the file's data section needs no alignment.
    const bytes = new Uint8Array(end - begin);
    bytes.set(buf.subarray(dataStart + begin, dataStart + end));
    const dv = new DataView(bytes.buffer);
    let data: Float32Array | Int32Array;
    let outType: 'float32' | 'int32';
    switch (dtype) {
      case 'F32':
        data = new Float32Array(bytes.buffer);
        outType = 'float32';
        break;
      case 'F64':
        data = Float32Array.from(new Float64Array(bytes.buffer));
        outType = 'float32';
        break;
      case 'F16':
        data = new Float32Array(count);
        for (let i = 0; i < count; i++) data[i] = halfToFloat(dv.getUint16(2 * i, true));
        outType = 'float32';
        break;
      case 'BF16':
        data = new Float32Array(count);
        {
          const u32 = new Uint32Array(data.buffer);
          for (let i = 0; i < count; i++) u32[i] = dv.getUint16(2 * i, true) << 16;
        }
        outType = 'float32';
        break;
      case 'I32':
        data = new Int32Array(bytes.buffer);
        outType = 'int32';
        break;
      case 'I64':
        data = new Int32Array(count);
        for (let i = 0; i < count; i++) {
          const v = dv.getBigInt64(8 * i, true);
          if (v > 2147483647n || v < -2147483648n) {
            throw new Error(`readSafetensors: ${where} element ${i} = ${v} does not fit int32`);
          }
          data[i] = Number(v);
        }
        outType = 'int32';
        break;
      case 'I16':
        data = Int32Array.from(new Int16Array(bytes.buffer));
        outType = 'int32';
        break;
      default: // U8, BOOL, I8
        data = dtype === 'I8' ? Int32Array.from(new Int8Array(bytes.buffer)) : Int32Array.from(bytes);
        outType = 'int32';
    }
    tensors[name] = { dtype: outType, shape: shape.slice(), data };
  }
  return { tensors, metadata };
}

/** Make the rename durable (best effort: some file systems refuse to open a directory for sync). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* not supported here; the rename itself is still atomic */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Write tensors to a safetensors file atomically (temp file, fsync, rename). float32 is written as
 * F32, int32 (and bool) as I32. Tensors are read synchronously and not disposed.
 *
 * @example writeSafetensors('out.safetensors', { 'head.weight': w }, { step: '100' });
 */
export function writeSafetensors(
  path: string,
  tensors: Record<string, WritableTensor>,
  metadata: Record<string, string> = {},
): void {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    let data: Float32Array | Int32Array;
    let dtype: string;
    if (t instanceof tf.Tensor) {
      if (t.isDisposed) throw new Error(`writeSafetensors: ${path}: tensor '${name}' is disposed`);
      if (t.dtype === 'float32') data = t.dataSync() as Float32Array;
      else if (t.dtype === 'int32' || t.dtype === 'bool') data = Int32Array.from(t.dataSync());
      else throw new Error(`writeSafetensors: ${path}: tensor '${name}' has unsupported dtype ${t.dtype}`);
      dtype = t.dtype === 'float32' ? 'F32' : 'I32';
    } else {
      data = t.data;
      dtype = t.dtype === 'float32' ? 'F32' : 'I32';
      const count = t.shape.reduce((a, b) => a * b, 1);
      if (count !== data.length) {
        throw new Error(`writeSafetensors: ${path}: tensor '${name}' shape [${t.shape}] needs ${count} values, has ${data.length}`);
      }
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype, shape: t.shape.slice(), data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data section starts 8-byte aligned (as the reference writer does).
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, prefix);
    writeSync(fd, headerBytes);
    for (const c of chunks) writeSync(fd, c);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
    syncDirectory(dirname(path));
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw new Error(`writeSafetensors: cannot write ${path}: ${(err as Error).message}`);
  }
}
