/**
 * Speed of one MLM training step of the text decoder (forward + backward of the weighted
 * loss + AdamW) with the plain first layer and the paper's 70–75 % masking.
 *
 *   node --conditions=source --import tsx bench/decoder-step.ts [--paper] [--backend=cpu]
 *
 * The tiny preset (V = 2000 and 30 000) is measured on wasm by default; --paper adds the
 * paper's decoder (768 wide, 6 layers) at B = 2, L = 256; --backend= picks the backend.
 * Check that the machine is quiet (the load average is printed) before quoting.
 */
import { AdamW, initBackend, Rng, tf, trainStep, type BackendName } from '@ecamp/core';
import { loadavg } from 'node:os';
import { TextDecoder } from '../src/decoder/text-decoder.js';
import { paperTextDecoderConfig, tinyTextDecoderConfig, type TextDecoderConfig } from '../src/decoder/config.js';

interface Case {
  name: string;
  config: TextDecoderConfig;
  batch: number;
  length: number;
}

function batchArrays(c: Case, rng: Rng) {
  const n = c.batch * c.length;
  const ids = new Int32Array(n);
  const mask = new Int32Array(n).fill(1);
  const labels = new Int32Array(n).fill(-100);
  const weights = new Float32Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    ids[i] = 5 + rng.int(c.config.vocabSize - 5);
    if (i % c.length !== 0 && rng.uniform() < 0.72) {
      labels[i] = ids[i];
      ids[i] = 3;
    }
  }
  return { ids, mask, labels, weights };
}

async function measure(backend: BackendName, c: Case, steps: number): Promise<void> {
  await initBackend({ backend, quiet: true });
  const rng = new Rng(1);
  const dec = new TextDecoder({ ...c.config, dropout: 0 }, { rng });
  const opt = new AdamW(dec.namedParameters(), { lr: 1e-4 });
  const a = batchArrays(c, rng);
  const inputIds = tf.tensor2d(a.ids, [c.batch, c.length], 'int32');
  const attentionMask = tf.tensor2d(a.mask, [c.batch, c.length], 'int32');
  const step = () => trainStep(dec, () => dec.loss({ inputIds, attentionMask, labels: a.labels, weights: a.weights }).loss, opt);
  step(); // warm-up: kernels, optimiser slots
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const ms = (performance.now() - t0) / steps;
  const leaked = tf.memory().numTensors - before;
  console.log(
    `${backend.padEnd(5)} ${c.name.padEnd(6)} B=${c.batch} L=${c.length} D=${c.config.dim} layers=${c.config.numLayers} V=${c.config.vocabSize}: ` +
      `${ms.toFixed(0)} ms/step, ${((c.batch * c.length) / (ms / 1000)).toFixed(0)} tokens/s, tensors leaked ${leaked}`,
  );
  tf.dispose([inputIds, attentionMask]);
  dec.dispose();
}

// V = 2000: an own vocabulary for the synthetic set (trainWordPiece); V = 30000: the authors'.
const cases: Case[] = [
  { name: 'tiny2k', config: tinyTextDecoderConfig(2000), batch: 8, length: 128 },
  { name: 'tiny30k', config: tinyTextDecoderConfig(30000), batch: 8, length: 128 },
];
if (process.argv.includes('--paper')) cases.push({ name: 'paper', config: paperTextDecoderConfig(30000), batch: 2, length: 256 });
const only = process.argv.find((a) => a.startsWith('--backend='))?.slice('--backend='.length) as BackendName | undefined;
// The plain cpu backend is several times slower than wasm here: opt in with --backend=cpu.
const backends: BackendName[] = only ? [only] : ['wasm'];
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (const c of cases) {
  for (const backend of backends) await measure(backend, c, c.name === 'paper' ? 2 : 3);
}
