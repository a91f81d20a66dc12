// Shared vitest settings: resolve workspace packages to their TypeScript sources
// (the "source" export condition), so tests never need a prior build.
export const preset = {
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    // The JSON report feeds tooling/ci/summary.mjs (one closing line for CI).
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/results.json' },
  },
};
/**
 * For packages whose tests use TensorFlow.js: one worker process for all files (no per-file
 * isolation). Importing TF.js and initialising wasm costs seconds per file, far more than the
 * tests themselves; every test selects its backend in beforeAll and creates its own tensors,
 * so files do not share state.
 */
export const tensorPreset = { ...preset, test: { ...preset.test, isolate: false } };

export default preset;
