// Child process of register.test.ts: a model made on the wasm backend, then trained on a fresh
// native backend whose 16 MB heap must grow while the parameters move onto it.
import { initBackend, Rng, tf, TransformerBlock } from '../../src/index.js';

await initBackend({ backend: 'wasm', quiet: true });
const blocks = Array.from({ length: 4 }, (_, i) => new TransformerBlock(384, 6, { rng: new Rng(i) })); // ~7 M parameters
const x = tf.randomNormal([2, 20, 384], 0, 1, 'float32', 1);
await initBackend({ backend: 'native', quiet: true });
const params = blocks.flatMap((b) => b.parameters());
const { value, grads } = tf.variableGrads(() => tf.sum(blocks.reduce((h: tf.Tensor, b) => b.forward(h), x)) as tf.Scalar, params);
const finite = Number.isFinite(value.dataSync()[0]) && Object.keys(grads).length === params.length;
console.log(finite ? 'ok' : 'not finite');
