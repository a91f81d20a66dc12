import { readFileSync } from 'node:fs';
import { AtomicFile } from '@ecamp/io';
import { tf } from '../tf.js';
import type { TensorData } from '../tensor-data.js';
import { decodeSafetensors, type SafetensorsFile } from './safetensors-parse.js';

export type { SafetensorsFile } from './safetensors-parse.js';

/** A value {@link writeSafetensors} accepts: a tf tensor or plain data. */
export type WritableTensor = tf.Tensor | TensorData;

/**
 * Read a safetensors file (https://github.com/huggingface/safetensors). F32 and F64/F16/BF16 become
 * float32; I32, I64 (range-checked), I16, I8, U8 and BOOL become int32. Errors name the file and tensor.
 * Without a file system (a browser), decode the bytes with {@link parseSafetensors}.
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
  return decodeSafetensors(buf, `readSafetensors: ${path}`);
}

/**
 * Crash tests only: with `ECAMP_TEST_PAUSE_IN_WRITE_MS=<ms>` set, every write stops that long
 * with the header written and the tensors not (a torn temp file), after a line on stderr naming
 * the temp file, so a test can kill the process in the middle of a checkpoint write.
 */
function pauseInWriteForTests(tmp: string): void {
  const ms = Number(process.env.ECAMP_TEST_PAUSE_IN_WRITE_MS ?? 0);
  if (!(ms > 0)) return;
  process.stderr.write(`ecamp-test: paused writing ${tmp}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Write tensors to a safetensors file atomically (`@ecamp/io`'s `AtomicFile`: temp file, fsync,
 * rename, fsync of the folder). float32 is written as F32, int32 (and bool) as I32. Tensors are read synchronously and not disposed.
 *
 * @example writeSafetensors('out.safetensors', { 'head.weight': w }, { step: '100' });
 */
export function writeSafetensors(path: string, tensors: Record<string, WritableTensor>, metadata: Record<string, string> = {}): void {
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
  let file: AtomicFile | undefined;
  try {
    file = new AtomicFile(path);
    file.write(prefix);
    file.write(headerBytes);
    pauseInWriteForTests(file.tempPath);
    for (const c of chunks) file.write(c);
    file.commit();
  } catch (err) {
    file?.discard();
    throw new Error(`writeSafetensors: ${(err as Error).message}`);
  }
}
