import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { Rng } from '../index.js';
import { Dropout } from '../layers/dropout.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../module.js';
import { loadCheckpoint, readSafetensors, saveCheckpoint } from '../index.js';

/** A layer with dropout: its output depends on the dropout stream's position. */
class Dropped extends Module {
  readonly fc: Linear;
  readonly drop: Dropout;
  constructor(seed: number) {
    super();
    this.fc = this.addModule('fc', new Linear(4, 16, { rng: new Rng(seed) }));
    this.drop = this.addModule('drop', new Dropout(0.5, new Rng(seed + 100)));
  }
  forward(x: tf.Tensor): number[] {
    return tf.tidy(() => Array.from(this.drop.forward(this.fc.forward(x)).dataSync()));
  }
}

describe('checkpoints keep the dropout streams', () => {
  useBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'ecamp-ckpt-rng-'));

  it('a module loaded from a checkpoint draws the same dropout masks as the one that wrote it', () => {
    const x = tf.ones([3, 4]);
    const a = new Dropped(1);
    a.forward(x); // advance the stream past its start
    expect(Object.keys(a.rngStates())).toEqual(['drop.rng']);
    const path = join(dir, 'dropout.safetensors');
    saveCheckpoint(path, a);
    expect(JSON.parse(readSafetensors(path).metadata['module.rngs'])).toEqual(a.rngStates());

    const b = new Dropped(7); // other weights, other stream
    expect(b.forward(x)).not.toEqual(a.forward(x));
    loadCheckpoint(path, b);
    const c = new Dropped(1);
    c.forward(x);
    loadCheckpoint(path, c);
    // From the saved point on, a restored module gives what the original gave next.
    const expected = new Dropped(1);
    expected.forward(x);
    const next = expected.forward(x);
    expect(b.forward(x)).toEqual(next);
    expect(c.forward(x)).toEqual(next);
    for (const m of [a, b, c, expected]) m.dispose();
    x.dispose();
  });

  it('names the generators that do not match', () => {
    const m = new Dropped(1);
    expect(() => m.loadRngStates({ 'other.rng': [1, 2, 3, 4] })).toThrow(/missing \[drop\.rng\], unexpected \[other\.rng\]/);
    m.loadRngStates({ 'other.rng': [1, 2, 3, 4] }, { strict: false }); // nothing in common: unchanged
    m.dispose();
  });
});
