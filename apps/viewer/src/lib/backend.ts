/**
 * TF.js backend choice in the browser: WebGPU where the browser has an adapter, else WebGL, else
 * WebAssembly (SIMD when supported), else plain JavaScript. Each refusal is kept with its reason,
 * so the page can say why it runs where it runs.
 */
import { tf } from '@ecamp/core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Backends the viewer can run on. */
export type ViewerBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Order tried by `auto`. */
export const BACKEND_ORDER: readonly ViewerBackend[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** What {@link selectBackend} chose, and why the ones before it were not used. */
export interface BackendChoice {
  backend: ViewerBackend;
  refused: { backend: ViewerBackend; reason: string }[];
  /** WebGL only: whether float32 textures are used (else float16, less exact). */
  webglFloat32?: boolean;
}

let wasmPathsSet = false;

async function tryBackend(name: ViewerBackend): Promise<string | undefined> {
  try {
    if (name === 'webgpu') {
      const gpu = typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      if (!gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
      if (!(await gpu.requestAdapter())) return 'WebGPU has no adapter here (no usable GPU)';
      await import('@tensorflow/tfjs-backend-webgpu');
    }
    // In a page the .wasm files are the bundle's assets; elsewhere (Node) TF.js finds its own.
    if (name === 'wasm' && !wasmPathsSet && typeof document !== 'undefined') {
      setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });
      wasmPathsSet = true;
    }
    if (!(await tf.setBackend(name))) return `${name} failed to initialise`;
    await tf.ready();
    return undefined;
  } catch (e) {
    return `${name}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Activates `preference` (or the first that works from `auto`'s order); falls back down the order. */
export async function selectBackend(preference: ViewerBackend | 'auto' = 'auto'): Promise<BackendChoice> {
  const start = preference === 'auto' ? 0 : BACKEND_ORDER.indexOf(preference);
  if (start < 0) throw new Error(`selectBackend: unknown backend '${preference}' (expected auto, ${BACKEND_ORDER.join(', ')})`);
  const refused: BackendChoice['refused'] = [];
  for (const name of BACKEND_ORDER.slice(start)) {
    const reason = await tryBackend(name);
    if (reason === undefined) {
      const choice: BackendChoice = { backend: name, refused };
      if (name === 'webgl') choice.webglFloat32 = Boolean(tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'));
      return choice;
    }
    refused.push({ backend: name, reason });
  }
  throw new Error(`no TF.js backend works here: ${refused.map((r) => r.reason).join('; ')}`);
}
