/** Test helpers: fixture loading and tolerant comparisons. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, tf } from '@ecamp/core';
import { toFloatState } from '../src/import-weights.js';
import type { TensorData } from '../src/checkpoint-filter.js';

/** Absolute path of a committed fixture. */
export function fixturePath(name: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name);
}

/** A fixture file as float32 tensors by name, plus its metadata. */
export function loadFixture(name: string): { state: Map<string, TensorData>; metadata: Record<string, string> } {
  const path = fixturePath(name);
  const f = readSafetensors(path);
  return { state: toFloatState(f.tensors, path), metadata: f.metadata };
}

/** The entries whose key starts with `prefix`, with the prefix removed (or, with `exclude`, those without any dotted test prefix). */
export function withPrefix(state: Map<string, TensorData>, prefix: string): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  for (const [k, v] of state) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), v);
  return out;
}

/** max |a − b| / max(1, max |b|): absolute for small references, relative for large ones. */
export function scaledMaxDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return Number.isNaN(worst) ? Infinity : worst / scale;
}

/** Reads a tensor's values (synchronously). */
export function values(t: tf.Tensor): Float32Array | Int32Array {
  return t.dataSync() as Float32Array | Int32Array;
}
