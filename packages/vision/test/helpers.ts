/** Test helpers: fixture loading and tolerant comparisons. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, tf } from '@ecamp/core';
import { toFloatState } from '../src/import-weights.js';
import type { TensorData } from '../src/checkpoint-filter.js';
import type { MaeConfig } from '../src/vit-config.js';

/** The shapes of test/fixtures/mae_tiny.safetensors (made by tooling/parity/vision/make_fixtures.py), seed 0. */
export const MAE_TINY_CONFIG: MaeConfig = {
  imageSize: 32,
  patchSize: 8,
  inChannels: 3,
  embedDim: 24,
  depth: 2,
  numHeads: 3,
  mlpRatio: 4,
  normEps: 1e-6,
  seed: 0,
  decoderEmbedDim: 16,
  decoderDepth: 1,
  decoderNumHeads: 2,
  maskRatio: 0.75,
  normPixLoss: false,
};

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

/** The checkpoint part of a fixture: every tensor but the test data stored with it (`input.*`, `out.*`). */
export function fixtureCheckpoint(state: Map<string, TensorData>): Map<string, TensorData> {
  return new Map([...state].filter(([k]) => !k.startsWith('input.') && !k.startsWith('out.')));
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
