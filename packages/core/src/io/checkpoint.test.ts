import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { Rng } from '@ecamp/io/rng';
import { TransformerBlock } from '../layers/transformer-block.js';
import { AdamW } from '../optim/adamw.js';
import { trainStep } from '../optim/train-step.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { readSafetensors } from './safetensors.js';

describe('checkpoints', () => {
  useBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'ecamp-ckpt-'));

  it('save → load restores parameters and optimiser so training continues identically', () => {
    const x = tf.randomNormal([2, 3, 8], 0, 1, 'float32', 1);
    const lossOf = (m: TransformerBlock) => () => tf.mean(tf.square(m.forward(x))) as tf.Scalar;
    const a = new TransformerBlock(8, 2, { rng: new Rng(1) });
    const optA = new AdamW(a.namedParameters(), { lr: 1e-2 });
    trainStep(a, lossOf(a), optA);
    const path = join(dir, 'ckpt.safetensors');
    saveCheckpoint(path, a, { optimizer: optA, metadata: { epoch: '1' } });
    const names = Object.keys(readSafetensors(path).tensors);
    expect(names).toContain('attn.qkv.weight');
    expect(names).toContain('optimizer.m.attn.qkv.weight');

    const b = new TransformerBlock(8, 2, { rng: new Rng(99) });
    const optB = new AdamW(b.namedParameters(), { lr: 1e-2 });
    const meta = loadCheckpoint(path, b, { optimizer: optB });
    expect(meta.epoch).toBe('1');
    expect(optB.stepCount).toBe(1);
    const ra = trainStep(a, lossOf(a), optA);
    const rb = trainStep(b, lossOf(b), optB);
    expect(rb.loss).toBeCloseTo(ra.loss, 6);
    expect(Array.from(b.mlp.fc2.weight.dataSync())).toEqual(Array.from(a.mlp.fc2.weight.dataSync()));
    a.dispose();
    b.dispose();
  });

  it('names the file when the checkpoint does not fit the module', () => {
    const path = join(dir, 'small.safetensors');
    const small = new TransformerBlock(8, 2);
    saveCheckpoint(path, small);
    const other = new TransformerBlock(16, 2);
    expect(() => loadCheckpoint(path, other)).toThrow(/loadCheckpoint\(.*small\.safetensors\).*'norm1.weight' has shape \[8\]/);
    expect(() => loadCheckpoint(path, small, { optimizer: new AdamW(small.namedParameters(), { lr: 1 }) })).toThrow(/no optimizer state/);
    small.dispose();
    other.dispose();
  });
});
