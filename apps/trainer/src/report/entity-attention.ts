/**
 * The report's text→image attention panel: with the run's final pre-training checkpoint, a few
 * of its radiographs are encoded (whole image, no masking) and their reports go through the
 * text decoder unmasked; the fusion layer's attention from the report's entity words (the
 * lexicon's findings and anatomy) to the image patches is drawn over each image, with the
 * super-resolution window that attention selects — the same computation as the trainer's online
 * window choice and the offline `ecamp windows` pass.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Rng, loadCheckpoint, tf } from '@ecamp/core';
import { Loader, type PretrainRecord } from '@ecamp/data';
import { loadTokenizer, prepareMlmExample, type MlmTokenizer } from '@ecamp/mlm';
import { WindowSelector, entityAttentionMap, windowGeometryFor } from '@ecamp/superres';
import { validateConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { entityMaskRows } from '../pretrain/entity-mask.js';
import { latestCheckpoint } from '../pretrain/checkpoints.js';
import { EcampPretrainModel } from '../pretrain/model.js';
import { prepareRunData, syntheticSetDir } from '../run/data.js';
import type { Logger } from '../run/logger.js';
import { attentionPicture } from './picture.js';
import type { RunFolder } from './read-run.js';

/** One word of a report, marked when it is an entity word. */
export interface ReportWord {
  text: string;
  entity: boolean;
}

/** One radiograph of the panel. */
export interface EntityAttentionExample {
  id: string;
  words: ReportWord[];
  entityWords: string[];
  /** grid² attention per patch, summed over entity tokens, mean over heads. */
  map: Float64Array;
  grid: number;
  window: { i: number; j: number; cells: number };
  png: Uint8Array;
  width: number;
  height: number;
}

/** The panel, or why there is none. */
export type EntityAttentionOutcome = { ok: true; checkpoint: string; step?: string; examples: EntityAttentionExample[] } | { ok: false; reason: string };

const NO_MASKING = { entity: 0, other: 0, noEntity: 0, random: 0 };

/** Words of `text` from the tokenizer's pieces; a word is an entity word when any of its pieces is. */
export function wordsOf(tokenizer: MlmTokenizer, text: string, maxLength: number, entityPositions: readonly number[]): ReportWord[] {
  const enc = tokenizer.encode(text, { maxLength });
  const entity = new Set(entityPositions);
  const words: ReportWord[] = [];
  let last = -1;
  enc.tokens.forEach((tok, k) => {
    const w = enc.wordIds[k];
    if (w < 0 || k >= enc.length) return;
    const piece = tok.startsWith('##') ? tok.slice(2) : tok;
    if (w === last) {
      words[words.length - 1].text += piece;
      words[words.length - 1].entity ||= entity.has(k);
    } else words.push({ text: piece, entity: entity.has(k) });
    last = w;
  });
  return words;
}

function quiet(): Logger {
  const noop = () => undefined;
  return { info: noop, warn: noop, progress: noop };
}

/**
 * Computes the panel for `run` (the backend must be initialised). Never throws for a run that
 * cannot have one (MLM off, no fusion cross-attention, no checkpoint, tokenizer or data): the
 * outcome says why.
 */
export async function entityAttentionPanel(run: RunFolder, options: { examples?: number; log?: Logger } = {}): Promise<EntityAttentionOutcome> {
  const want = options.examples ?? 3;
  if (!run.config) return { ok: false, reason: 'the run folder has no readable config.json' };
  let config: Config;
  try {
    // Paths in the config are relative to where the run was started; the run folder tells where its outDir is.
    config = validateConfig({ ...run.config, outDir: dirname(run.dir) }, join(run.dir, 'config.json'));
  } catch (e) {
    return { ok: false, reason: `its config.json does not fit this version's schema (${(e as Error).message.split('\n').slice(0, 3).join('; ')})` };
  }
  if (!config.objectives.mlm.enabled) return { ok: false, reason: 'the run trained without the text objective (objectives.mlm.enabled=false), so there is no text→image attention' };
  if (config.model.fusion !== 'patches+pooled' && config.model.fusion !== 'patches') {
    return { ok: false, reason: `model.fusion is '${config.model.fusion}': the text side does not attend to image patches` };
  }
  // The final checkpoint, or while the run goes on (or after it stopped) its newest step checkpoint.
  const final = join(run.dir, 'checkpoints', 'pretrain.safetensors');
  const checkpoint = existsSync(final) ? final : latestCheckpoint(join(run.dir, 'checkpoints'))?.path;
  if (!checkpoint) return { ok: false, reason: 'checkpoints/pretrain.safetensors is missing and there is no step checkpoint (the run saved no checkpoint yet)' };
  const checkpointName = join('checkpoints', basename(checkpoint));
  const tokenizerPath = config.tokenizer.path ?? join(run.dir, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) return { ok: false, reason: `the tokenizer ${tokenizerPath} is missing` };
  if (config.data.source === 'synthetic' && !existsSync(join(syntheticSetDir(config), 'manifest.json'))) {
    return { ok: false, reason: `the run's synthetic set ${syntheticSetDir(config)} is gone (the report does not regenerate it)` };
  }
  const L = config.model.text.maxLength;
  let records: PretrainRecord[];
  let tokenizer: MlmTokenizer;
  try {
    tokenizer = loadTokenizer(tokenizerPath, { maxLength: L });
    // The panel shows reports without inserted context: skip distilling contexts for every record.
    records = (await prepareRunData({ ...config, data: { ...config.data, context: 'none' } }, options.log ?? quiet())).records;
  } catch (e) {
    return { ok: false, reason: `its data or tokenizer cannot be read (${(e as Error).message})` };
  }
  const rng = new Rng(config.seed).fork('report');
  const chosen: { record: PretrainRecord; example: ReturnType<typeof prepareMlmExample> }[] = [];
  for (const record of records) {
    const example = prepareMlmExample(record.report, { contextProbability: 0, rng, tokenizer, maxLength: L, probabilities: NO_MASKING, mode: 'paper' });
    if (example.entityPositions.length > 0) chosen.push({ record, example });
    if (chosen.length === want) break;
  }
  if (!chosen.length) return { ok: false, reason: 'none of the run\'s reports has an entity word of the lexicon' };

  const size = config.model.imageSize;
  const grid = size / config.model.patchSize;
  const geometry = windowGeometryFor({ imageSize: size, patchSize: config.model.patchSize, scale: 2, windowCells: config.model.superres.windowCells });
  const model = new EcampPretrainModel(config, tokenizer.vocabSize);
  let step: string | undefined;
  try {
    try {
      step = loadCheckpoint(checkpoint, model, { strict: true }).step;
    } catch (e) {
      return { ok: false, reason: `${checkpointName} does not fit the run's config (${(e as Error).message.split('\n')[0]})` };
    }
    model.eval();
    const loader = new Loader({ records: chosen.map((c) => c.record), batchSize: chosen.length, seed: config.seed, size, mode: 'downstream', shuffle: false, dropLast: false, epochs: 1 });
    const examples: EntityAttentionExample[] = [];
    for await (const b of loader) {
      const n = b.size;
      // By id: the loader skips images it cannot read.
      const text = b.ids.map((id) => chosen.find((c) => c.record.id === id)!.example);
      const ids = new Int32Array(n * L);
      const mask = new Int32Array(n * L);
      text.forEach((e, k) => {
        ids.set(e.inputIds, k * L);
        mask.set(e.attentionMask, k * L);
      });
      const attention = tf.tidy(() => {
        const tokens = model.mae.forwardFeatures(tf.tensor4d(b.images, [n, size, size, 3])).tokens;
        return model.text!.forward({ inputIds: tf.tensor2d(ids, [n, L], 'int32'), attentionMask: tf.tensor2d(mask, [n, L], 'int32'), image: model.imageForText(tokens), returnAttention: true }).attention!;
      });
      const [, heads, , patches] = attention.shape as number[];
      const data = await attention.data();
      attention.dispose();
      const rows = entityMaskRows(text.map((e) => e.entityPositions), L);
      const selector = new WindowSelector({ geometry });
      for (let k = 0; k < n; k++) {
        const per = heads * L * patches;
        const a = { data: data.subarray(k * per, (k + 1) * per), heads, textLength: L, patches };
        const map = entityAttentionMap(a, rows[k], { geometry })!;
        const w = selector.select(a, rows[k]);
        const grey = new Uint8Array(size * size);
        // downstream-normalised pixels back to 0..255 (channel 0; the images are grey)
        for (let p = 0; p < grey.length; p++) grey[p] = Math.max(0, Math.min(255, Math.round((b.images[k * size * size * 3 + 3 * p] * 0.3028 + 0.4722) * 255)));
        const pic = attentionPicture({ grey, size, map, grid, window: { i: w.i, j: w.j, cells: geometry.windowCells } });
        const words = wordsOf(tokenizer, text[k].text, L, text[k].entityPositions);
        examples.push({ id: b.ids[k], words, entityWords: [...new Set(words.filter((x) => x.entity).map((x) => x.text.toLowerCase()))], map, grid, window: { i: w.i, j: w.j, cells: geometry.windowCells }, ...pic });
      }
    }
    return { ok: true, checkpoint: checkpointName, step, examples };
  } finally {
    model.dispose();
  }
}
