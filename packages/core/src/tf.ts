/**
 * The fully set-up TensorFlow.js namespace used by every ECAMP package.
 *
 * Why not `@tensorflow/tfjs-core`: in Node its CommonJS bundle registers neither
 * gradients nor chained ops (`x.sum()` throws), and its ESM deep imports
 * (`dist/register_all_gradients.js`) do not resolve under Node's ESM rules. The
 * `@tensorflow/tfjs` union bundle registers both and shares the single
 * `@tensorflow/tfjs-core` engine with the cpu and wasm backends.
 */
import * as tf from '@tensorflow/tfjs';
// Side effect: registers the 'wasm' backend factory with the shared engine.
import '@tensorflow/tfjs-backend-wasm';

export { tf };
