/**
 * The safetensors decoder on plain bytes, without Node APIs, so browsers (and any bundle) can read
 * checkpoints too. `readSafetensors` (Node) reads a file and decodes it here.
 */
import type { TensorData } from '../tensor-data.js';

/** Contents of a safetensors file: tensors (as plain arrays) and the string metadata. */
export interface SafetensorsFile {
  tensors: Record<string, TensorData>;
  metadata: Record<string, string>;
}

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
 * Decodes safetensors bytes; `who` starts every error message (e.g. `readSafetensors: /path/x.safetensors`).
 * @internal shared by {@link parseSafetensors} and `readSafetensors`
 */
export function decodeSafetensors(buf: Uint8Array, who: string): SafetensorsFile {
  if (buf.length < 8) throw new Error(`${who} is ${buf.length} bytes, too short for a header`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen <= 0 || 8 + headerLen > buf.length) {
    throw new Error(`${who} declares a ${headerLen}-byte header but the file has ${buf.length} bytes`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8').decode(buf.subarray(8, 8 + headerLen))) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${who} has an invalid JSON header: ${(err as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error(`${who} has a JSON header that is not an object`);
  const dataStart = 8 + headerLen;
  const dataLen = buf.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors: Record<string, TensorData> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      for (const [k, v] of Object.entries((entry ?? {}) as Record<string, unknown>)) metadata[k] = String(v);
      continue;
    }
    const where = `${who}: tensor '${name}'`;
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) throw new Error(`${where} has no header entry object`);
    const dtype = String(e.dtype);
    const width = BYTES[dtype];
    if (width === undefined) throw new Error(`${where} has unsupported dtype '${dtype}'`);
    if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error(`${where} has invalid shape ${JSON.stringify(e.shape)}`);
    }
    const shape = e.shape as number[];
    if (!Array.isArray(e.data_offsets) || e.data_offsets.length !== 2) {
      throw new Error(`${where} has invalid data_offsets ${JSON.stringify(e.data_offsets)}`);
    }
    const [begin, end] = e.data_offsets as number[];
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(begin >= 0 && end <= dataLen && end - begin === count * width)) {
      throw new Error(`${where} offsets [${begin}, ${end}] do not fit ${count} × ${dtype} in a ${dataLen}-byte data section`);
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
            throw new Error(`${where} element ${i} = ${v} does not fit int32`);
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

/**
 * Decodes a safetensors file already in memory (a `fetch` response, a file chosen in a browser, a
 * Node `Buffer`). Uses no Node API. Same conversions as `readSafetensors`: F32, F64, F16 and BF16
 * become float32; I32, I64 (range-checked), I16, I8, U8 and BOOL become int32. Errors name `name`
 * and the tensor.
 *
 * @example
 * const bytes = new Uint8Array(await (await fetch('encoder.safetensors')).arrayBuffer());
 * const { tensors, metadata } = parseSafetensors(bytes, 'encoder.safetensors');
 */
export function parseSafetensors(bytes: Uint8Array | ArrayBuffer, name = 'safetensors bytes'): SafetensorsFile {
  return decodeSafetensors(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), `parseSafetensors: ${name}`);
}
