// Shared helper of the native-kernel tests: run the same TF.js program on the native backend and
// on the pure-JavaScript cpu backend (the reference), and compare every output.
import { beforeAll, beforeEach, expect } from 'vitest';
import { initBackend, Rng, tf } from '../src/index.js';

/** An input: float32 or int32 values with a shape. */
export interface Input {
  values: Float32Array | Int32Array;
  shape: number[];
}

/** Random float32 input from a seeded generator (normal, or uniform integers for int32). */
export function randomInput(shape: number[], seed: number, dtype: 'float32' | 'int32' = 'float32', high = 10): Input {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  if (dtype === 'int32') return { values: Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * high)), shape };
  return { values: Float32Array.from({ length: n }, () => rng.normal()), shape };
}

/** Skips the calling describe's tests with a printed reason when the native addon is absent. */
export function requireNativeBackend(): void {
  let reason: string | undefined;
  beforeAll(async () => {
    const info = await initBackend({ backend: 'native', quiet: true });
    if (info.backend !== 'native') {
      reason = info.fallbackReason ?? 'native backend unavailable';
      if (process.env.ECAMP_NATIVE_REQUIRED === '1') throw new Error(`ECAMP_NATIVE_REQUIRED=1 but ${reason}`);
      console.warn(`[tests] native kernel tests skipped: ${reason}`);
    }
  });
  beforeEach((ctx) => {
    if (reason !== undefined) ctx.skip();
  });
}

type Program = (...inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];

async function run(backend: 'native' | 'cpu', program: Program, inputs: Input[]): Promise<{ shape: number[]; dtype: string; values: number[] }[]> {
  await initBackend({ backend, quiet: true });
  return tf.tidy(() => {
    const ts = inputs.map((i) => tf.tensor(i.values, i.shape, i.values instanceof Int32Array ? 'int32' : 'float32'));
    const out = program(...ts);
    return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) }));
  });
}

/**
 * Runs `program` on the native and the cpu backend and expects equal shapes and dtypes, and
 * values within `tol` (absolute, scaled by max(1, |reference|)); NaN must match NaN. Returns
 * the native outputs. Leaves the native backend active.
 */
export async function expectMatchesReference(program: Program, inputs: Input[], tol = 1e-5): Promise<number[][]> {
  const ref = await run('cpu', program, inputs);
  const before = await tensorsOnNative();
  const got = await run('native', program, inputs);
  expect(await tensorsOnNative()).toBe(before); // tidy released everything the kernels made
  expect(got.length).toBe(ref.length);
  got.forEach((g, k) => {
    expect(g.shape, `output ${k} shape`).toEqual(ref[k].shape);
    expect(g.dtype, `output ${k} dtype`).toBe(ref[k].dtype);
    let worst = 0;
    let at = -1;
    g.values.forEach((v, i) => {
      const r = ref[k].values[i];
      if (Number.isNaN(r) || Number.isNaN(v)) {
        if (Number.isNaN(r) !== Number.isNaN(v)) {
          worst = Infinity;
          at = i;
        }
        return;
      }
      if (r === v) return; // equal infinities included
      const err = Math.abs(v - r) / Math.max(1, Math.abs(r));
      if (!(err <= worst)) {
        worst = err;
        at = i;
      }
    });
    expect(worst, `output ${k}: worst relative error at flat index ${at} (native ${g.values[at]}, reference ${ref[k].values[at]})`).toBeLessThanOrEqual(tol);
  });
  return got.map((g) => g.values);
}

async function tensorsOnNative(): Promise<number> {
  await initBackend({ backend: 'native', quiet: true });
  return tf.memory().numTensors;
}
