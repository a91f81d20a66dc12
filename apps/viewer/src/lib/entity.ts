/**
 * Entity queries through the fusion layer of a full pre-training checkpoint: words typed by the
 * user go through the text decoder (whose first layer is ECAMP's context-fusion layer) with the
 * encoder's patch tokens as the image, and the fusion layer's text→image attention from those
 * words — mean over heads, summed over the words' tokens — is the map. This is the computation
 * training uses to choose the super-resolution window from a report's entity words, rebuilt from
 * the checkpoint's `image_proj.*` and `text.*` tensors (the trainer's names).
 */
import { Linear, Module, Rng, tf, type SafetensorsFile, type TensorData } from '@ecamp/core';
import { ContextFusionLayer, type FusionVariant } from '@ecamp/fusion';
import { TextDecoder, loadTokenizer, textDecoderConfig, type MlmTokenizer } from '@ecamp/mlm';
import type { VisionTransformer } from '@ecamp/vision';
import { normaliseMap } from './heatmap.js';

/** The text side of a pre-training checkpoint, read from its tensors (and the run's config.json when given). */
export interface TextSideInfo {
  dim: number;
  layers: number;
  heads: number;
  headsFrom: string;
  intermediate: number;
  vocab: number;
  maxPositions: number;
  variant: FusionVariant;
  /** Width of the encoder tokens `image_proj` takes. */
  imageDim: number;
}

function fail(name: string, why: string): never {
  throw new Error(`${name}: no entity query possible: ${why}`);
}

/** Reads the text decoder's sizes; `config` is the run's config.json (its `model.text.heads` gives the head count). */
export function describeTextSide(file: SafetensorsFile, name: string, config?: unknown): TextSideInfo {
  const t = file.tensors;
  const get = (k: string): TensorData => t[k] ?? fail(name, `tensor '${k}' is missing (a full pre-training checkpoint trained with the text objective has it)`);
  const words = get('text.embeddings.word_embeddings.weight');
  const [vocab, dim] = words.shape;
  const maxPositions = get('text.embeddings.position_embeddings.weight').shape[0];
  const proj = get('image_proj.weight');
  let layers = 0;
  while (Object.keys(t).some((k) => k.startsWith(`text.layers.${layers}.`))) layers++;
  const cross = 'text.layers.0.cross.q.weight' in t;
  const pooled = 'text.layers.0.pooled_proj.weight' in t;
  if (!cross) fail(name, `its fusion layer has no cross-attention to the image patches (${pooled ? "model.fusion 'pooled'" : "model.fusion 'none'"})`);
  const variant: FusionVariant = pooled ? 'patches+pooled' : 'patches';
  const intermediate = get('text.layers.0.mlp.fc1.weight').shape[1];
  const fromConfig = (config as { model?: { text?: { heads?: unknown } } } | undefined)?.model?.text?.heads;
  let heads: number;
  let headsFrom: string;
  if (typeof fromConfig === 'number') {
    heads = fromConfig;
    headsFrom = "the run's config.json";
  } else if (dim % 64 === 0) {
    heads = dim / 64;
    headsFrom = "64 channels per head (give the run's config.json if it used another count)";
  } else fail(name, `the text head count is not in the checkpoint and ${dim} is not a multiple of 64: choose the run's config.json too`);
  if (dim % heads !== 0) fail(name, `text width ${dim} is not divisible by ${heads} heads`);
  return { dim, layers, heads, headsFrom, intermediate, vocab, maxPositions, variant, imageDim: proj.shape[0] };
}

/** `image_proj` and the text decoder, named as in the trainer's pre-training model. */
export class EntityQueryModel extends Module {
  readonly imageProj: Linear;
  readonly text: TextDecoder;

  constructor(readonly info: TextSideInfo) {
    super();
    const rng = new Rng(0);
    this.imageProj = this.addModule('image_proj', new Linear(info.imageDim, info.dim, { rng }));
    const firstLayer = new ContextFusionLayer({ dim: info.dim, numHeads: info.heads, intermediate: info.intermediate, variant: info.variant, rng });
    this.text = this.addModule(
      'text',
      new TextDecoder(
        textDecoderConfig({
          vocabSize: info.vocab,
          dim: info.dim,
          numLayers: info.layers,
          numHeads: info.heads,
          intermediate: info.intermediate,
          maxPositions: info.maxPositions,
        }),
        { firstLayer, rng },
      ),
    );
    this.eval();
  }
}

/** Builds the text side of a pre-training checkpoint and loads `image_proj.*` and `text.*` strictly. */
export function loadEntityQueryModel(file: SafetensorsFile, name: string, config?: unknown): EntityQueryModel {
  const info = describeTextSide(file, name, config);
  const model = new EntityQueryModel(info);
  const state: Record<string, TensorData> = {};
  for (const [k, v] of Object.entries(file.tensors)) if (k.startsWith('image_proj.') || k.startsWith('text.')) state[k] = v;
  try {
    model.loadStateDict(state, { strict: true });
  } catch (e) {
    model.dispose();
    fail(name, (e as Error).message);
  }
  return model;
}

/** A tokenizer from a chosen tokenizer.json's text. */
export function tokenizerFromText(text: string, name: string, maxLength: number): MlmTokenizer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${name}: not JSON (${(e as Error).message}); choose the run's tokenizer.json`);
  }
  return loadTokenizer(json as Parameters<typeof loadTokenizer>[0], { maxLength });
}

/** Result of {@link entityAttention}. */
export interface EntityAttentionResult {
  grid: number;
  /** Attention per patch, summed over the query's tokens, mean over heads (row-major grid²). */
  raw: Float32Array;
  map: Float32Array;
  /** The query's word pieces that were attended from. */
  tokens: string[];
  ms: number;
}

/**
 * The fusion layer's attention from the query's tokens (every token but [CLS] and padding) to
 * the encoder's patch tokens of `input` (no masking).
 */
export async function entityAttention(
  vit: VisionTransformer,
  model: EntityQueryModel,
  tokenizer: MlmTokenizer,
  query: string,
  input: tf.Tensor4D,
): Promise<EntityAttentionResult> {
  const L = tokenizer.maxLength;
  const enc = tokenizer.encode(query, { maxLength: L });
  const positions: number[] = [];
  for (let k = 0; k < enc.length; k++) if (enc.wordIds[k] >= 0) positions.push(k);
  if (!positions.length) throw new Error(`entity query '${query}': no words after tokenising`);
  const started = performance.now();
  const attention = tf.tidy(() => {
    const tokens = vit.forwardFeatures(input).tokens;
    const [b, n1, d] = tokens.shape;
    const patches = model.imageProj.forward(tf.slice(tokens, [0, 1, 0], [b, n1 - 1, d])) as tf.Tensor3D;
    const out = model.text.forward({
      inputIds: tf.tensor2d(enc.ids, [1, L], 'int32'),
      attentionMask: tf.tensor2d(enc.attentionMask, [1, L], 'int32'),
      image: { patches, pooled: tf.mean(patches, 1) as tf.Tensor2D },
      returnAttention: true,
    });
    // [1, H, L, M] → rows of the query's tokens, mean over heads, summed over tokens → [M]
    const rows = tf.gather(out.attention!, tf.tensor1d(positions, 'int32'), 2);
    return tf.sum(tf.mean(rows, 1), [0, 1]);
  });
  let raw: Float32Array;
  try {
    raw = Float32Array.from(await attention.data());
  } finally {
    attention.dispose();
  }
  const ms = performance.now() - started;
  return { grid: vit.config.imageSize / vit.config.patchSize, raw, map: normaliseMap(raw), tokens: positions.map((k) => enc.tokens[k]), ms };
}
