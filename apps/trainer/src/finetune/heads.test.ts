import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, writeSafetensors } from '@ecamp/core';
import { ClassificationHead, SegmentationDecoder, YoloNeckHead } from '@ecamp/downstream';
import { createVit } from '@ecamp/vision';
import { tempDir } from '../../test/finetune-fixtures.js';
import { buildHead, headSpec, readFinetuneCheckpoint, saveFinetuneCheckpoint, type CheckpointMeta } from './heads.js';
import { resolveFinetuneOptions } from './options.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const opts = (extra: Record<string, unknown>) => resolveFinetuneOptions({ encoder: 'random', data: 'd', test: 't', 'image-size': '64', ...extra });

describe('headSpec / buildHead', () => {
  it('builds the authors’ head of each task', () => {
    const labels = { mode: 'single-label' as const, numClasses: 3, reason: '' };
    const cls = buildHead(headSpec(opts({ task: 'classification' }), 16, labels), 0) as ClassificationHead;
    expect(cls).toBeInstanceOf(ClassificationHead);
    expect([cls.numClasses, cls.featureNorm]).toEqual([3, undefined]);
    expect((buildHead(headSpec(opts({ task: 'classification', protocol: 'linear-probe' }), 16, labels), 0) as ClassificationHead).featureNorm).toBeDefined();
    const seg = buildHead(headSpec(opts({ task: 'segmentation', 'decoder-widths': '8,8,4,4' }), 16), 0) as SegmentationDecoder;
    expect(seg).toBeInstanceOf(SegmentationDecoder);
    expect(seg.tokenHead).toBeDefined();
    expect(seg.head.weight.shape).toEqual([3, 3, 4, 1]);
    const det = buildHead(headSpec(opts({ task: 'detection', 'head-width': '0.0625', fraction: '10' }), 16), 0) as YoloNeckHead;
    expect(det).toBeInstanceOf(YoloNeckHead);
    expect(det.config.scales.map((s) => s.grid)).toEqual([8, 4, 2]);
    expect(headSpec(opts({ task: 'detection', fraction: '10' }), 16).expansion).toBe(8); // the authors' 1 % / 10 % setting
    expect(headSpec(opts({ task: 'detection' }), 16).expansion).toBe(4);
    expect(() => buildHead({ ...headSpec(opts({ task: 'classification' }), 16) }, 0)).toThrow(/needs its label space/);
    tf.dispose([...cls.parameters(true), ...seg.parameters(true), ...det.parameters(true)]);
  });
});

describe('fine-tuning checkpoints', () => {
  it('round-trips the head (BatchNorm statistics included), the encoder when it trained, and the metadata', () => {
    const dir = tempDir('finetune-heads-');
    const spec = headSpec(opts({ task: 'segmentation', 'decoder-widths': '4,4,4,4' }), 192);
    const head = buildHead(spec, 1) as SegmentationDecoder;
    head.stages.at(0).bn.runningMean.assign(tf.fill([4], 0.25));
    const vit = createVit('tiny', { imageSize: 64 });
    const meta: CheckpointMeta = {
      format: 'ecamp-finetune-1',
      head: spec,
      encoder: { source: 'random', format: 'random', config: { imageSize: 64, patchSize: 16, embedDim: 192, depth: 4, numHeads: 3, mlpRatio: 4 }, notes: [] },
      encoderWeights: true,
      selected: 'best-validation',
      epoch: 3,
      validation: { metric: 'Dice', value: 0.5 },
    };
    const path = join(dir, 'head.safetensors');
    saveFinetuneCheckpoint(path, head, vit, meta);
    const back = readFinetuneCheckpoint(path);
    expect(back.meta).toEqual(meta);
    expect(Object.keys(back.head)).toContain('stages.0.bn.running_mean');
    expect(Array.from(back.head['stages.0.bn.running_mean'].data as Float32Array)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(Object.keys(back.encoder)).toContain('blocks.3.mlp.fc2.weight');
    const fresh = buildHead(spec, 2);
    fresh.loadStateDict(back.head, { strict: true });
    saveFinetuneCheckpoint(path, head, vit, { ...meta, encoderWeights: false });
    expect(Object.keys(readFinetuneCheckpoint(path).encoder)).toHaveLength(0);
    const other = join(dir, 'other.safetensors');
    writeSafetensors(other, { w: tf.zeros([1]) });
    expect(() => readFinetuneCheckpoint(other)).toThrow(/other\.safetensors: not an 'ecamp finetune' checkpoint/);
    head.dispose();
    fresh.dispose();
    vit.dispose();
  });
});
