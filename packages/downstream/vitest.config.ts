import { defineConfig, mergeConfig } from 'vitest/config';
import preset from '@ecamp/vitest-preset';

// One worker process for all files (no per-file isolation): importing TensorFlow.js costs
// seconds per file, more than most tests. Every test file selects its backend in beforeAll,
// creates and disposes its own tensors and measures leaks relative to its own start.
export default mergeConfig(defineConfig(preset), defineConfig({ test: { isolate: false } }));
