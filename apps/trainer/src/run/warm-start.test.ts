import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { RunData } from './data.js';
import { createLogger } from './logger.js';
import type { RunDir } from './run-dir.js';
import { ensureWarmStart, warmStartConfig, warmStartKey } from './warm-start.js';

const ws = ['model.warmStart.steps=50', 'model.warmStart.lr=0.002', 'model.warmStart.warmupSteps=5'];

describe('warm start (MAE stage)', () => {
  it('is MIM only, with its own steps, lr and cosine schedule, and no warm start of its own', () => {
    const c = warmStartConfig(loadConfig('tiny', [...ws, 'optim.epochs=3', 'name=q']));
    expect([c.objectives.mim.enabled, c.objectives.superres.enabled, c.objectives.mlm.enabled]).toEqual([true, false, false]);
    expect([c.optim.steps, c.optim.lr, c.optim.schedule, c.optim.warmupSteps, c.optim.epochs]).toEqual([50, 0.002, 'cosine', 5, undefined]);
    expect(c.model.warmStart).toBeUndefined();
    expect(c.name).toBe('q-warm-start');
    expect(() => warmStartConfig(loadConfig('tiny'))).toThrow(/model\.warmStart is not set/);
  });

  it('keys the cache by what the MAE depends on, not by what comes after it', () => {
    const key = (sets: string[]) => warmStartKey(loadConfig('tiny', [...ws, ...sets]));
    const base = key([]);
    expect(key(['name=other', 'objectives.mlm.masking=random', 'evaluate.epochs=3', 'optim.steps=7', 'model.fusion=patches'])).toBe(base);
    expect(key(['model.warmStart.steps=51'])).not.toBe(base);
    expect(key(['seed=1'])).not.toBe(base);
    expect(key(['model.encoder.depth=2'])).not.toBe(base);
    expect(key(['data.syntheticCount=99'])).not.toBe(base);
  });

  it('runs the stage once and reuses it afterwards', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'ecamp-ws-'));
    const config = loadConfig('tiny', [...ws, `outDir=${JSON.stringify(outDir)}`]);
    const calls: Config[] = [];
    const fake = async (c: Config, dir: RunDir) => {
      calls.push(c);
      const summary = {
        encoderCheckpoint: dir.path('checkpoints', 'encoder.safetensors'),
        maeCheckpoint: dir.path('checkpoints', 'mae-timm.safetensors'),
        steps: c.optim.steps,
      };
      for (const f of [summary.encoderCheckpoint, summary.maeCheckpoint, dir.path('pretrain-summary.json')]) {
        mkdirSync(dirname(f), { recursive: true });
        writeFileSync(f, 'x');
      }
      return { summary };
    };
    const lines: string[] = [];
    const log = createLogger('ws', { isTTY: false, write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WriteStream);
    const data = {} as RunData;
    const first = await ensureWarmStart(config, data, log, fake);
    expect(first.reused).toBe(false);
    expect(calls).toHaveLength(1);
    expect(calls[0].objectives.mlm.enabled).toBe(false);
    expect(first.mae).toContain(join(outDir, 'warm-start', warmStartKey(config)));
    const again = await ensureWarmStart({ ...config, name: 'another' }, data, log, fake);
    expect(again).toEqual({ ...first, reused: true });
    expect(calls).toHaveLength(1);
    expect(lines.join('')).toMatch(/reusing the MAE stage/);
  });

  it('is exclusive with model.init, and its warm-up must fit its steps', () => {
    expect(() => loadConfig('tiny', [...ws, 'model.init=/x.safetensors'])).toThrow(/model\.warmStart: model\.init already gives/);
    expect(() => loadConfig('tiny', ['model.warmStart.steps=5', 'model.warmStart.warmupSteps=6'])).toThrow(
      /model\.warmStart\.warmupSteps: must not exceed model\.warmStart\.steps \(5\)/,
    );
  });
});
