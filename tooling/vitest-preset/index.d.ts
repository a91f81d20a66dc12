declare const preset: Record<string, unknown>;
export default preset;
export { preset };
/** The preset for packages whose tests use TensorFlow.js (one worker, no per-file isolation). */
export declare const tensorPreset: Record<string, unknown>;
