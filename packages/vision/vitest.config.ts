import { defineConfig, mergeConfig } from 'vitest/config';
import preset from '@ecamp/vitest-preset';

// One worker process for all files (no per-file isolation): importing TensorFlow.js and
// initialising wasm costs seconds per file, more than most tests here. Every test file selects
// its backend in beforeAll and creates (and disposes) its own tensors, so files share no state.
export default mergeConfig(defineConfig(preset), defineConfig({ test: { isolate: false } }));
