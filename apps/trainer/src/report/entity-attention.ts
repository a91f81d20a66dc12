/**
 * The report's text→image attention panel: with the run's final pre-training checkpoint, a few
 * of its radiographs are encoded (whole image, no masking) and their reports go through the
 * text decoder unmasked; the fusion layer's attention from the report's entity words (the
 * lexicon's findings and anatomy) to the image patches is drawn over each image, with the
 * super-resolution window that attention selects — the same computation as the trainer's online
 * window choice and the offline `ecamp windows` pass. The drawing is `entity-attention-picture.ts`,
 * which the training pictures use at every picture step too.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadCheckpoint } from '@ecamp/core';
import { DOWNSTREAM_NORM, type PretrainRecord } from '@ecamp/data';
import { loadTokenizer, type MlmExample, type MlmTokenizer } from '@ecamp/mlm';
import { validateConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { latestCheckpoint } from '../pretrain/checkpoints.js';
import { EcampPretrainModel } from '../pretrain/model.js';
import { inOrderPass, prepareRunData, syntheticSetDir } from '../run/data.js';
import type { Logger } from '../run/logger.js';
import { drawEntityAttention, greyOf, unmaskedText, type EntityAttentionDrawing } from './entity-attention-picture.js';
import type { RunFolder } from './read-run.js';

/** One word of a report, marked when it is an entity word. */
export interface ReportWord {
  text: string;
  entity: boolean;
}

/** One radiograph of the panel. */
export interface EntityAttentionExample extends EntityAttentionDrawing {
  id: string;
  words: ReportWord[];
  entityWords: string[];
}

/** The panel, or why there is none. */
export type EntityAttentionOutcome = { ok: true; checkpoint: string; step?: string; examples: EntityAttentionExample[] } | { ok: false; reason: string };

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
  if (!config.objectives.mlm.enabled)
    return { ok: false, reason: 'the run trained without the text objective (objectives.mlm.enabled=false), so there is no text→image attention' };
  if (config.model.fusion !== 'patches+pooled' && config.model.fusion !== 'patches') {
    return { ok: false, reason: `model.fusion is '${config.model.fusion}': the text side does not attend to image patches` };
  }
  // The final checkpoint, or while the run goes on (or after it stopped) its newest step checkpoint.
  const final = join(run.dir, 'checkpoints', 'pretrain.safetensors');
  const checkpoint = existsSync(final) ? final : latestCheckpoint(join(run.dir, 'checkpoints'))?.path;
  if (!checkpoint)
    return { ok: false, reason: 'checkpoints/pretrain.safetensors is missing and there is no step checkpoint (the run saved no checkpoint yet)' };
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
  const chosen: { record: PretrainRecord; example: MlmExample }[] = [];
  for (const record of records) {
    const example = unmaskedText(record.report, tokenizer, L);
    if (example.entityPositions.length > 0) chosen.push({ record, example });
    if (chosen.length === want) break;
  }
  if (!chosen.length) return { ok: false, reason: "none of the run's reports has an entity word of the lexicon" };

  const size = config.model.imageSize;
  const model = new EcampPretrainModel(config, tokenizer.vocabSize);
  let step: string | undefined;
  try {
    try {
      step = loadCheckpoint(checkpoint, model, { strict: true }).step;
    } catch (e) {
      return { ok: false, reason: `${checkpointName} does not fit the run's config (${(e as Error).message.split('\n')[0]})` };
    }
    const loader = inOrderPass(
      chosen.map((c) => c.record),
      chosen.length,
      config,
    );
    const examples: EntityAttentionExample[] = [];
    for await (const b of loader) {
      // By id: the loader skips images it cannot read.
      const text = b.ids.map((id) => chosen.find((c) => c.record.id === id)!.example);
      const grey = b.ids.map((_, k) => greyOf(b.images, k * size * size * 3, size, DOWNSTREAM_NORM));
      const drawn = await drawEntityAttention(model, { images: b.images, text, grey, greySize: size });
      drawn.forEach((d, k) => {
        const words = wordsOf(tokenizer, text[k].text, L, text[k].entityPositions);
        examples.push({ id: b.ids[k], words, entityWords: [...new Set(words.filter((x) => x.entity).map((x) => x.text.toLowerCase()))], ...d });
      });
    }
    return { ok: true, checkpoint: checkpointName, step, examples };
  } finally {
    model.dispose();
  }
}
