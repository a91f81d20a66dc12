import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ecamp/core';
import { loadTokenizer } from '@ecamp/mlm';
import { handMadeRun, realTinyRun } from '../../test/report-fixtures.js';
import { entityAttentionPanel, wordsOf } from './entity-attention.js';
import { readRunFolder } from './read-run.js';

let run: { outDir: string; dir: string };
beforeAll(async () => {
  run = await realTinyRun();
  await initBackend({ backend: 'wasm', quiet: true });
});

describe('entityAttentionPanel', () => {
  it("draws the fusion layer's entity-word attention of the final checkpoint over three radiographs", async () => {
    const outcome = await entityAttentionPanel(readRunFolder(run.dir));
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(outcome.step).toBe('3');
    expect(outcome.examples).toHaveLength(3);
    for (const ex of outcome.examples) {
      expect(ex.grid).toBe(14);
      expect(ex.map).toHaveLength(196);
      // Each entity token's attention over the 196 patches sums to 1, so the map sums to the entity-token count.
      const entityTokens = ex.words.filter((w) => w.entity).length;
      const total = ex.map.reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(entityTokens - 1e-3);
      expect(Number.isInteger(Math.round(total))).toBe(true);
      expect(Math.abs(total - Math.round(total))).toBeLessThan(1e-3);
      expect(ex.entityWords.length).toBeGreaterThan(0);
      for (const w of ex.entityWords) expect(ex.words.some((x) => x.entity && x.text.toLowerCase() === w)).toBe(true);
      expect(ex.window!.cells).toBe(12);
      expect(ex.window!.i).toBeGreaterThanOrEqual(0);
      expect(ex.window!.i).toBeLessThanOrEqual(2);
      expect([ex.width, ex.height]).toEqual([900, 448]);
      expect(Array.from(ex.png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
    }
  });

  it('says why a run has no panel instead of failing', async () => {
    const { dir } = handMadeRun();
    const noText = readRunFolder(dir);
    noText.config = { ...noText.config, objectives: { mlm: { enabled: false } } };
    expect(await entityAttentionPanel(noText)).toEqual({ ok: false, reason: expect.stringMatching(/does not fit this version's schema/) });
    // A valid config with the text objective off.
    const real = readRunFolder(run.dir);
    const objectives = real.config!.objectives as Record<string, object>;
    const off = {
      ...real,
      config: {
        ...real.config,
        objectives: { ...objectives, mlm: { ...objectives.mlm, enabled: false }, superres: { ...objectives.superres, window: 'center' } },
      },
    };
    expect(await entityAttentionPanel(off)).toEqual({ ok: false, reason: expect.stringMatching(/without the text objective/) });
    const pooled = {
      ...real,
      config: {
        ...real.config,
        model: { ...(real.config!.model as object), fusion: 'pooled' },
        objectives: { ...objectives, superres: { ...objectives.superres, window: 'center' } },
      },
    };
    expect(await entityAttentionPanel(pooled)).toEqual({ ok: false, reason: "model.fusion is 'pooled': the text side does not attend to image patches" });
    expect(await entityAttentionPanel({ ...real, config: undefined })).toEqual({ ok: false, reason: 'the run folder has no readable config.json' });
    const moved = { ...real, dir: join(run.outDir, 'elsewhere', 'tiny-report') };
    expect(await entityAttentionPanel(moved)).toEqual({ ok: false, reason: expect.stringMatching(/pretrain\.safetensors is missing/) });
  });

  it('says so when the synthetic set is gone or the checkpoint does not fit', async () => {
    const copy = handMadeRun({ name: 'copy' });
    const real = readRunFolder(run.dir);
    // the real config in a folder whose outDir has no synthetic set
    writeFileSync(join(copy.dir, 'config.json'), JSON.stringify(real.config));
    writeFileSync(join(copy.dir, 'tokenizer.json'), '{}');
    writeFileSync(join(copy.dir, 'checkpoints', 'pretrain.safetensors'), 'x');
    expect(await entityAttentionPanel(readRunFolder(copy.dir))).toEqual({
      ok: false,
      reason: expect.stringMatching(/synthetic set .* is gone \(the report does not regenerate it\)/),
    });
    rmSync(copy.outDir, { recursive: true, force: true });
  });

  it('wordsOf joins word pieces and marks entity words', () => {
    const tok = loadTokenizer(join(run.dir, 'tokenizer.json'), { maxLength: 64 });
    const text = 'small left pleural effusion.';
    const enc = tok.encode(text, { maxLength: 64 });
    const effusion = enc.tokens.findIndex((t) => t.startsWith('eff'));
    const words = wordsOf(tok, text, 64, [effusion]);
    expect(words.map((w) => w.text)).toEqual(['small', 'left', 'pleural', 'effusion', '.']);
    expect(words.filter((w) => w.entity).map((w) => w.text)).toEqual(['effusion']);
  });
});
