import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { PatchEmbed } from './patch-embed.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('PatchEmbed', () => {
  it('equals a stride-p convolution whose kernel is proj.weight reshaped to [p, p, C, D]', () => {
    const pe = new PatchEmbed(32, 16, 3, 8, { rng: new Rng(1) });
    expect(pe.numPatches).toBe(4);
    expect(pe.namedParameters().map((p) => p.name)).toEqual(['proj.weight', 'proj.bias']);
    pe.proj.bias!.assign(tf.randomNormal([8], 0, 1, 'float32', 3));
    const imgs = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 2);
    const viaLinear = pe.forward(imgs);
    const kernel = tf.reshape(pe.proj.weight, [16, 16, 3, 8]);
    const viaConv = tf.reshape(tf.add(tf.conv2d(imgs as tf.Tensor4D, kernel as tf.Tensor4D, 16, 'valid'), pe.proj.bias!), [2, 4, 8]);
    expect(viaLinear.shape).toEqual([2, 4, 8]);
    expect(tf.max(tf.abs(tf.sub(viaLinear, viaConv))).dataSync()[0]).toBeLessThan(1e-4);
    tf.dispose([imgs, viaLinear, kernel, viaConv]);
    pe.dispose();
  });

  it('names the expected image shape on bad input', () => {
    const pe = new PatchEmbed(32, 16, 3, 8);
    const bad = tf.zeros([1, 32, 32, 1]);
    expect(() => pe.forward(bad)).toThrow(/expected images \[B, 32, 32, 3\], got \[1,32,32,1\]/);
    expect(() => new PatchEmbed(30, 16, 3, 8)).toThrow(/does not tile/);
    bad.dispose();
    pe.dispose();
  });
});
