// Child process of register.test.ts: a model made on one wasm-family backend, then trained on the
// other, fresh one, whose 16 MB heap must grow while the parameters move onto it (a move during
// a kernel that already holds the heap buffer detaches it). Argument: 'to-native' or 'to-wasm'.
import { initBackend, Rng, tf, TransformerBlock } from '../../src/index.js';

const [from, to] = process.argv[2] === 'to-wasm' ? (['native', 'wasm'] as const) : (['wasm', 'native'] as const);
await initBackend({ backend: from, quiet: true });
const blocks = Array.from({ length: 4 }, (_, i) => new TransformerBlock(384, 6, { rng: new Rng(i) })); // ~7 M parameters
const x = tf.randomNormal([2, 20, 384], 0, 1, 'float32', 1);
await initBackend({ backend: to, quiet: true });
const params = blocks.flatMap((b) => b.parameters());
const { value, grads } = tf.variableGrads(() => tf.sum(blocks.reduce((h: tf.Tensor, b) => b.forward(h), x)) as tf.Scalar, params);
const finite = Number.isFinite(value.dataSync()[0]) && Object.keys(grads).length === params.length;
console.log(finite ? 'ok' : 'not finite');
