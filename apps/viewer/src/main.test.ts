/**
 * The viewer in headless Chromium: the built page loads a checkpoint from a short tiny pre-training
 * run and a synthetic radiograph, runs the encoder on each TF.js backend the browser has, draws
 * the heat-map, and its values equal the Node computation (the trainer's loading and image
 * pipeline) within 1e-4. Screenshots are kept in test-output/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { initBackend } from '@ecamp/core';
import { launchChromium, pictureStats, watchedPage, type Chromium, type Page } from '@ecamp/browser-test';
import '../test/fixtures.js';
import { readRun, runViewer, waitForRun } from '../test/page.js';
import { maxAbsDiff, nodeReference, trainerEntityReference, type ReferenceMap } from '../test/reference.js';

const fx = inject('viewer');
let chrome: Chromium;
let reference: ReferenceMap;

beforeAll(async () => {
  // The trainer's default backend (native when built, else wasm).
  await initBackend({ quiet: true });
  reference = await nodeReference(fx.encoder, fx.image224);
  chrome = await launchChromium();
});
afterAll(async () => {
  await chrome?.close();
});

/** Screenshot → test-output/<name>.png, with how much it varies. */
async function screenshot(page: Page, name: string) {
  const path = join(fx.outDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return { path, ...(await pictureStats(path)) };
}

describe('the viewer page in headless Chromium', () => {
  it.each(['wasm', 'webgl', 'cpu'])('draws the class-token heat-map on %s, equal to the Node computation within 1e-4', async (backend) => {
    const { page, errors, foreignRequests } = await watchedPage(chrome.browser, [fx.url]);
    const run = await runViewer(page, fx.url, { checkpoint: fx.encoder, image: fx.image224, backend });
    expect(run.error, run.statusText).toBeUndefined();
    expect(run.state).toBe('done');
    if (run.backend !== backend) {
      // Only a browser without that backend may fall back; the page says why.
      const why = run.refused?.map((r) => `${r.backend}: ${r.reason}`).join('; ');
      console.warn(`[viewer tests] ${backend} is not available in this Chromium (${why}); checked on ${run.backend} instead`);
      expect(run.refused?.[0]?.backend).toBe(backend);
    }
    if (run.backend === 'webgl') expect(run.webglFloat32, 'WebGL must use float32 textures for 1e-4 agreement').toBe(true);
    expect(run.kind).toBe('encoder');
    expect(run.grid).toBe(14);
    expect(run.layer).toBe(3);
    expect(run.ms).toBeGreaterThan(0);
    expect(run.timingText).toMatch(/\d+\.\d ms/);
    const rawDiff = maxAbsDiff(run.raw!, reference.raw);
    const mapDiff = maxAbsDiff(run.map!, reference.map);
    console.log(
      `[viewer tests] ${run.backend} vs Node (${reference.backend}): max |Δ| raw attention ${rawDiff.toExponential(2)}, heat-map ${mapDiff.toExponential(2)}; forward ${run.ms!.toFixed(1)} ms`,
    );
    expect(rawDiff).toBeLessThan(1e-4);
    expect(mapDiff).toBeLessThan(1e-4);
    // The map is not flat: the heat-map shows structure.
    expect(Math.max(...reference.raw) / Math.min(...reference.raw)).toBeGreaterThan(1.05);

    const shot = await screenshot(page, `viewer-${backend}`);
    expect(shot.std, `${shot.path} looks blank`).toBeGreaterThan(20);
    expect(shot.colours, `${shot.path} has too few colours`).toBeGreaterThan(200);
    expect(errors).toEqual([]);
    expect(foreignRequests).toEqual([]);
    await page.close();
  });

  it('recomputes for another layer and head when they are changed', async () => {
    const { page, errors } = await watchedPage(chrome.browser, [fx.url]);
    await runViewer(page, fx.url, { checkpoint: fx.encoder, image: fx.image224, backend: 'wasm' });
    const layers = await page.$$eval('#layer option', (os) => os.map((o) => (o as HTMLOptionElement).textContent));
    expect(layers).toEqual(['1 of 4', '2 of 4', '3 of 4', '4 of 4 (last)']);
    await page.selectOption('#layer', '0');
    const first = await waitForRun(page, 1);
    expect(first.layer).toBe(0);
    expect(maxAbsDiff(first.raw!, (await nodeReference(fx.encoder, fx.image224, { layer: 0 })).raw)).toBeLessThan(1e-4);
    await page.selectOption('#head', '1');
    const head = await waitForRun(page, 2);
    expect(maxAbsDiff(head.raw!, (await nodeReference(fx.encoder, fx.image224, { layer: 0, head: 1 })).raw)).toBeLessThan(1e-4);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("reads the encoder out of the run's full pre-training checkpoint: the same map", async () => {
    const { page } = await watchedPage(chrome.browser, [fx.url]);
    const run = await runViewer(page, fx.url, { checkpoint: fx.pretrain, image: fx.image224, backend: 'wasm' });
    expect(run.error, run.statusText).toBeUndefined();
    expect(run.kind).toBe('pretrain');
    expect(maxAbsDiff(run.raw!, reference.raw)).toBeLessThan(1e-4);
    expect(await page.textContent('#model')).toMatch(/full pre-training checkpoint.*non-encoder tensors ignored/);
    await page.close();
  });

  it.each(['wasm', 'webgl'])("answers an entity query through the fusion layer on %s, equal to the trainer's computation within 1e-4", async (backend) => {
    const { page, errors, foreignRequests } = await watchedPage(chrome.browser, [fx.url]);
    const entity = { query: 'pleural effusion', tokenizer: join(fx.runDir, 'tokenizer.json'), config: join(fx.runDir, 'config.json') };
    const run = await runViewer(page, fx.url, { checkpoint: fx.pretrain, image: fx.image224, backend, entity });
    expect(run.error, run.statusText).toBeUndefined();
    expect(run.mode).toBe('entity');
    expect(run.queryTokens!.length).toBeGreaterThanOrEqual(2);
    const trainer = await trainerEntityReference(fx.runDir, fx.image224, 'pleural effusion');
    const rawDiff = maxAbsDiff(run.raw!, trainer.raw);
    const mapDiff = maxAbsDiff(run.map!, trainer.map);
    console.log(
      `[viewer tests] entity query on ${run.backend} vs the trainer's model in Node: max |Δ| attention ${rawDiff.toExponential(2)}, heat-map ${mapDiff.toExponential(2)}`,
    );
    expect(rawDiff).toBeLessThan(1e-4);
    expect(mapDiff).toBeLessThan(1e-4);
    expect(await page.textContent('#shown')).toMatch(/where the words 'pleural effusion' .* look: the fusion layer's attention/);
    expect(await page.textContent('#map-what')).toBe("Attention from 'pleural effusion'");
    const shot = await screenshot(page, `viewer-entity-${backend}`);
    expect(shot.std).toBeGreaterThan(20);
    expect(errors).toEqual([]);
    expect(foreignRequests).toEqual([]);
    await page.close();
  });

  it('refuses an entity query for a bare encoder or without the tokenizer, saying what is needed', async () => {
    const { page } = await watchedPage(chrome.browser, [fx.url]);
    const bare = await runViewer(page, fx.url, {
      checkpoint: fx.encoder,
      image: fx.image224,
      backend: 'wasm',
      entity: { query: 'effusion', tokenizer: join(fx.runDir, 'tokenizer.json') },
    });
    expect(bare.state).toBe('error');
    expect(bare.statusText).toBe(
      'encoder.safetensors: entity queries need a full pre-training checkpoint (checkpoints/pretrain.safetensors), not a bare encoder',
    );
    await page.goto(fx.url);
    await page.selectOption('#backend', 'wasm');
    await page.setInputFiles('#checkpoint', fx.pretrain);
    await page.setInputFiles('#image', fx.image224);
    await page.selectOption('#mode', 'entity');
    await page.click('#run');
    const noTok = await waitForRun(page, 0);
    expect(noTok.statusText).toBe("entity query: choose the run's tokenizer.json too");
    await page.close();
  });

  it('resizes a 448×448 radiograph to the model side as its Node counterpart does', async () => {
    const { page } = await watchedPage(chrome.browser, [fx.url]);
    const run = await runViewer(page, fx.url, { checkpoint: fx.encoder, image: fx.image448, backend: 'wasm' });
    expect(run.state).toBe('done');
    // The page resizes bilinearly (the trainer resizes bicubic): compare with the page's own
    // pipeline run in Node on the same decoded pixels.
    const { imageToInput } = await import('./lib/image.js');
    const { clsAttention } = await import('./lib/attention.js');
    const { loadEncoderCheckpoint } = await import('./lib/checkpoint.js');
    const { parseSafetensors } = await import('@ecamp/core');
    const { data, info } = await sharp(fx.image448).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const { vit } = loadEncoderCheckpoint(parseSafetensors(readFileSync(fx.encoder)), 'encoder.safetensors');
    const input = imageToInput({ data: new Uint8Array(data), width: info.width, height: info.height }, 224);
    const node = await clsAttention(vit, input);
    input.dispose();
    vit.dispose();
    expect(maxAbsDiff(run.raw!, node.raw)).toBeLessThan(1e-4);
    await page.close();
  });

  it('says which file is not a checkpoint, and draws nothing', async () => {
    const { page } = await watchedPage(chrome.browser, [fx.url]);
    const run = await runViewer(page, fx.url, { checkpoint: fx.image224, image: fx.image224, backend: 'wasm' });
    expect(run.state).toBe('error');
    expect(run.statusText).toBe('synthetic-224.png is a PNG image, not a safetensors checkpoint');
    expect(run.raw).toBeUndefined();
    expect(await page.isHidden('#result')).toBe(true);
    await screenshot(page, 'viewer-error');
    expect((await readRun(page)).error).toBe(run.statusText);
    await page.close();
  });

  it('ships no Node code: the native addon and node: modules stay out of the bundle', () => {
    const dir = join(fx.outDir, 'dist', 'assets');
    const js = readdirSync(dir).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    for (const f of js) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text, f).not.toMatch(/ecamp_native\.node|loadNativeAddon|unavailable\.json/);
      expect(text, f).not.toMatch(/from\s*["']node:/);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.wasm')).length).toBe(3);
  });
});
