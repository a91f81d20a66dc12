/**
 * Masked autoencoder (He et al. 2021) on the ViT encoder, with MAE's parameter names:
 * encoder (`patch_embed`, `cls_token`, `blocks`, `norm`) plus decoder (`decoder_embed`,
 * `mask_token`, `decoder_blocks`, `decoder_norm`, `decoder_pred`) and fixed `decoder_pos_embed`.
 * With `{ decoder: false }` the decoder is not built: a masked encoder for objectives that read
 * the visible tokens but no reconstruction (it has the encoder's parameters only).
 *
 * Masking keeps `trunc(L·(1−ratio))` patches per sample chosen by shuffled noise. The visible
 * patches are selected on the patchified pixels, before the patch projection: the projection
 * acts per patch, so this equals MAE's "embed, add positions, then gather" while embedding 4×
 * fewer patches. Both gathers go through core's `takeAlongAxis1`, which has a gradient on
 * every backend (GatherNd has none).
 */
import { LayerNorm, Linear, ModuleList, Rng, takeAlongAxis1, tf, TransformerBlock } from '@ecamp/core';
import { broadcastToken } from './broadcast-token.js';
import { maeLoss } from './mae-loss.js';
import { lenKeepFor, randomMaskingIndices, type MaskingIndices, type UniformSource } from './masking.js';
import { patchify } from './patchify.js';
import { sincosPositionEmbedding2d } from './pos-embed.js';
import { normalTensor, VisionTransformer } from './vit.js';
import { validateMaeConfig, type MaeConfig } from './vit-config.js';

/** Output of {@link MaskedAutoencoder.forwardEncoder}. */
// type aliases (not interfaces) so tf.tidy accepts them as TensorContainers
export type MaeEncoderOutput = {
  /** [B, 1+lenKeep, D]: cls then the visible tokens (in shuffle order), after the final norm. */
  latent: tf.Tensor3D;
  /** [B, L] float32, 1 = removed, 0 = visible. */
  mask: tf.Tensor2D;
  /** [B, L] int32, un-shuffles decoder tokens back to patch order. */
  idsRestore: tf.Tensor2D;
  /** [B, lenKeep] int32, patch index of each visible token (row-major grid order). */
  idsKeep: tf.Tensor2D;
};

/** Output of {@link MaskedAutoencoder.forward}. */
export type MaeOutput = MaeEncoderOutput & {
  /** Scalar reconstruction loss on the removed patches. */
  loss: tf.Scalar;
  /** [B, L, p*p*C] predicted pixels per patch. */
  pred: tf.Tensor3D;
};

/** Where the masking comes from: a seeded source, or fixed indices (e.g. `maskingFromNoise`). */
export type MaskingSource = UniformSource | MaskingIndices;

function isMaskingIndices(s: MaskingSource): s is MaskingIndices {
  return (s as MaskingIndices).idsRestore !== undefined;
}

/** Options of {@link MaskedAutoencoder} beyond its configuration. */
export interface MaeOptions {
  /**
   * Build the reconstruction decoder (default true). Without it the model is the masked
   * encoder alone: `forwardEncoder` works, `forwardDecoder` and `forwardPretrain` throw, and
   * no `decoder_*`/`mask_token` parameter exists. The encoder's weights and random streams
   * are the same either way.
   */
  decoder?: boolean;
}

/** MAE: the {@link VisionTransformer} encoder plus the light reconstruction decoder (unless built without it). */
export class MaskedAutoencoder extends VisionTransformer {
  /** Resolved configuration (encoder and decoder). */
  override readonly config: MaeConfig;
  /** Whether the decoder was built (the members below are present exactly then). */
  readonly hasDecoder: boolean;
  /** D → decoder width. */
  readonly decoderEmbed?: Linear;
  /** [1, 1, Dd] learnable token for removed patches. */
  readonly maskToken?: tf.Variable;
  /** [1, 1+L, Dd] fixed sin-cos positions of the decoder. */
  readonly decoderPosEmbed?: tf.Tensor3D;
  /** Decoder blocks. */
  readonly decoderBlocks?: ModuleList<TransformerBlock>;
  /** Decoder final LayerNorm. */
  readonly decoderNorm?: LayerNorm;
  /** Decoder width → p*p*C pixels per patch. */
  readonly decoderPred?: Linear;
  /** Default masking stream (seeded from `config.seed`, advances every call). */
  readonly maskRng: Rng;

  constructor(config: MaeConfig, options: MaeOptions = {}) {
    validateMaeConfig(config);
    super(config);
    this.config = { ...config };
    this.maskRng = new Rng(config.seed).fork('masking');
    this.hasDecoder = options.decoder ?? true;
    if (!this.hasDecoder) return;
    const { decoderEmbedDim: dd, decoderDepth, decoderNumHeads, mlpRatio, normEps, patchSize, inChannels, embedDim } = config;
    const rng = new Rng(config.seed).fork('decoder');
    this.decoderEmbed = this.addModule('decoder_embed', new Linear(embedDim, dd, { rng: rng.fork('decoder_embed') }));
    this.maskToken = this.addParameter('mask_token', normalTensor([1, 1, dd], rng.fork('mask_token'), 0.02), { decay: false });
    const grid = config.imageSize / patchSize;
    this.decoderPosEmbed = tf.keep(tf.tensor3d(sincosPositionEmbedding2d(dd, grid), [1, 1 + grid * grid, dd]));
    const blockRng = rng.fork('decoder_blocks');
    this.decoderBlocks = this.addModule(
      'decoder_blocks',
      new ModuleList(
        Array.from({ length: decoderDepth }, (_, i) => new TransformerBlock(dd, decoderNumHeads, { mlpRatio, eps: normEps, rng: blockRng.fork(String(i)) })),
      ),
    );
    this.decoderNorm = this.addModule('decoder_norm', new LayerNorm(dd, { eps: normEps }));
    this.decoderPred = this.addModule('decoder_pred', new Linear(dd, patchSize * patchSize * inChannels, { rng: rng.fork('decoder_pred') }));
  }

  /** Masking indices for a batch: drawn from `source`, or `source` itself after a shape check. */
  maskingFor(batch: number, maskRatio: number, source: MaskingSource): MaskingIndices {
    const L = this.numPatches;
    if (isMaskingIndices(source)) {
      if (source.batch !== batch || source.numPatches !== L) {
        throw new Error(`MAE: masking indices are for [${source.batch}, ${source.numPatches}], batch is [${batch}, ${L}]`);
      }
      if (source.lenKeep !== lenKeepFor(L, maskRatio)) {
        throw new Error(`MAE: masking indices keep ${source.lenKeep} of ${L} patches, maskRatio ${maskRatio} keeps ${lenKeepFor(L, maskRatio)}`);
      }
      return source;
    }
    return randomMaskingIndices(batch, L, maskRatio, source);
  }

  /**
   * Encodes the visible patches only.
   * @param imgs [B, H, W, C]
   * @param maskRatio fraction removed (default: config.maskRatio)
   * @param source seeded uniform source (core's `Rng`; default the model's own `maskRng`), or
   *   precomputed {@link MaskingIndices}
   */
  forwardEncoder(imgs: tf.Tensor, maskRatio: number = this.config.maskRatio, source: MaskingSource = this.maskRng): MaeEncoderOutput {
    const b = imgs.shape[0];
    const m = this.maskingFor(b, maskRatio, source);
    return tf.tidy(() => {
      const idsKeep = tf.tensor2d(m.idsKeep, [b, m.lenKeep], 'int32');
      const patches = this.patchEmbed.patchify(imgs); // [B, L, p*p*C]
      const visiblePixels = takeAlongAxis1(patches, idsKeep); // [B, keep, p*p*C]
      // fixed table, no gradient needed: a plain row gather [L, D] → [B, keep, D]
      const positions = tf.gather(tf.reshape(this.patchPositions(), [this.numPatches, this.embedDim]), idsKeep);
      const visible = tf.add(this.patchEmbed.embedPatches(visiblePixels), positions);
      const x = tf.concat([this.clsTokens(b), visible], 1);
      const latent = this.runBlocks(x).tokens;
      return {
        latent,
        mask: tf.tensor2d(m.mask, [b, m.numPatches], 'float32'),
        idsRestore: tf.tensor2d(m.idsRestore, [b, m.numPatches], 'int32'),
        idsKeep,
      };
    });
  }

  /**
   * Re-inserts mask tokens, un-shuffles and decodes every patch.
   * @param latent [B, 1+keep, D]
   * @param idsRestore [B, L] int32
   * @returns pred [B, L, p*p*C]
   */
  forwardDecoder(latent: tf.Tensor, idsRestore: tf.Tensor): tf.Tensor3D {
    const { decoderEmbed, maskToken, decoderPosEmbed, decoderBlocks, decoderNorm, decoderPred } = this;
    if (!decoderEmbed || !maskToken || !decoderPosEmbed || !decoderBlocks || !decoderNorm || !decoderPred) {
      throw new Error('forwardDecoder: this MAE was built without its decoder ({ decoder: false })');
    }
    const [b, n1] = latent.shape;
    const L = idsRestore.shape[1];
    if (idsRestore.rank !== 2 || idsRestore.shape[0] !== b || L !== this.numPatches) {
      throw new Error(`forwardDecoder: idsRestore must be [${b}, ${this.numPatches}], got [${idsRestore.shape}]`);
    }
    const dd = this.config.decoderEmbedDim;
    return tf.tidy(() => {
      const x = decoderEmbed.forward(latent); // [B, 1+keep, Dd]
      const cls = tf.slice(x, [0, 0, 0], [b, 1, dd]);
      const visible = tf.slice(x, [0, 1, 0], [b, n1 - 1, dd]);
      const maskTokens = broadcastToken(maskToken, b, L + 1 - n1);
      const shuffled = tf.concat([visible, maskTokens], 1); // [B, L, Dd] in shuffle order
      const ordered = takeAlongAxis1(shuffled, idsRestore); // [B, L, Dd] in patch order
      let h: tf.Tensor = tf.add(tf.concat([cls, ordered], 1), decoderPosEmbed);
      for (const block of decoderBlocks) h = block.forward(h);
      // the cls token is dropped before the head: MAE predicts it and then discards it
      const patchesOnly = tf.slice(h, [0, 1, 0], [b, L, dd]);
      return decoderPred.forward(decoderNorm.forward(patchesOnly)) as tf.Tensor3D;
    });
  }

  /**
   * MSE on the removed patches (per-patch normalised target if `config.normPixLoss`).
   * @param imgs [B, H, W, C] @param pred [B, L, p*p*C] @param mask [B, L] (1 = removed)
   */
  forwardLoss(imgs: tf.Tensor, pred: tf.Tensor, mask: tf.Tensor): tf.Scalar {
    return tf.tidy(() => maeLoss(patchify(imgs, this.config.patchSize), pred, mask, { normPixLoss: this.config.normPixLoss }));
  }

  /**
   * Encoder, decoder and loss in one call (MAE's `forward`; `forward(imgs)` stays the
   * unmasked encoder of {@link VisionTransformer}).
   */
  forwardPretrain(imgs: tf.Tensor, maskRatio: number = this.config.maskRatio, source: MaskingSource = this.maskRng): MaeOutput {
    return tf.tidy(() => {
      const enc = this.forwardEncoder(imgs, maskRatio, source);
      const pred = this.forwardDecoder(enc.latent, enc.idsRestore);
      return { ...enc, pred, loss: this.forwardLoss(imgs, pred, enc.mask) };
    });
  }

  /** Frees parameters and both position tables. */
  override dispose(): void {
    super.dispose();
    this.decoderPosEmbed?.dispose();
  }
}
