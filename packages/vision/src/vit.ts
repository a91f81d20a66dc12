/**
 * ViT encoder in MAE's form: patch embedding (Linear over flattened patches), cls token, fixed
 * 2-D sin-cos position table (cls position zeros), pre-norm blocks, final LayerNorm (eps 1e-6).
 * Parameter names follow timm/MAE (`patch_embed.proj.weight`, `cls_token`,
 * `blocks.0.attn.qkv.weight`, `norm.weight`), so `checkpointFilter` maps checkpoints by layout only.
 */
import { LayerNorm, Module, ModuleList, Rng, tf, TransformerBlock } from '@ecamp/core';
import { broadcastToken } from './broadcast-token.js';
import { PatchEmbed } from './patch-embed.js';
import { sincosPositionEmbedding2d } from './pos-embed.js';
import { validateVitConfig, type VitConfig } from './vit-config.js';

/** Options of {@link VisionTransformer.forwardFeatures}. */
export interface ForwardFeaturesOptions {
  /** 0-based block indices whose outputs (before the final norm) to return too; negative counts from the end. */
  layers?: number[];
}

/** Result of {@link VisionTransformer.forwardFeatures}. */
// a type alias (not an interface) so tf.tidy accepts it as a TensorContainer
export type VitFeatures = {
  /** [B, 1+L, D]: cls then every patch token, after the final norm. */
  tokens: tf.Tensor3D;
  /** [B, 1+L, D] per requested layer, in the order asked. */
  layers: tf.Tensor3D[];
};

/** Options of {@link VisionTransformer.forwardAttention}. */
export interface ForwardAttentionOptions {
  /** 0-based block whose self-attention to return; negative counts from the end (default −1, the last block). */
  layer?: number;
}

/** `N(0, std²)` samples from `rng` as a tensor (MAE initialises cls/mask tokens with std 0.02). */
export function normalTensor(shape: number[], rng: Rng, std: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal(0, std);
  return tf.tensor(v, shape, 'float32');
}

/** The ViT encoder. Inputs are NHWC float32 images `[B, imageSize, imageSize, inChannels]`. */
export class VisionTransformer extends Module {
  /** Resolved configuration. */
  readonly config: VitConfig;
  /** Patch embedding (`patch_embed.proj`). */
  readonly patchEmbed: PatchEmbed;
  /** [1, 1, D] learnable cls token. */
  readonly clsToken: tf.Variable;
  /** [1, 1+L, D] fixed sin-cos positions (not a parameter; row 0 = cls = zeros). */
  readonly posEmbed: tf.Tensor3D;
  /** Pre-norm transformer blocks. */
  readonly blocks: ModuleList<TransformerBlock>;
  /** Final LayerNorm. */
  readonly norm: LayerNorm;

  constructor(config: VitConfig) {
    super();
    validateVitConfig(config);
    this.config = { ...config };
    const { imageSize, patchSize, inChannels, embedDim, depth, numHeads, mlpRatio, normEps } = config;
    const rng = new Rng(config.seed);
    this.patchEmbed = this.addModule('patch_embed', new PatchEmbed(imageSize, patchSize, inChannels, embedDim, { rng: rng.fork('patch_embed') }));
    this.clsToken = this.addParameter('cls_token', normalTensor([1, 1, embedDim], rng.fork('cls_token'), 0.02), { decay: false });
    const grid = imageSize / patchSize;
    this.posEmbed = tf.keep(tf.tensor3d(sincosPositionEmbedding2d(embedDim, grid), [1, 1 + grid * grid, embedDim]));
    const blockRng = rng.fork('blocks');
    this.blocks = this.addModule(
      'blocks',
      new ModuleList(
        Array.from({ length: depth }, (_, i) => new TransformerBlock(embedDim, numHeads, { mlpRatio, eps: normEps, rng: blockRng.fork(String(i)) })),
      ),
    );
    this.norm = this.addModule('norm', new LayerNorm(embedDim, { eps: normEps }));
  }

  /** Patches per image L. */
  get numPatches(): number {
    return this.patchEmbed.numPatches;
  }

  /** Token width D. */
  get embedDim(): number {
    return this.config.embedDim;
  }

  /** `cls_token + pos[0]` broadcast to the batch. @returns [B, 1, D] */
  protected clsTokens(batch: number): tf.Tensor3D {
    return tf.tidy(() => {
      const cls = tf.add(this.clsToken, tf.slice(this.posEmbed, [0, 0, 0], [1, 1, -1]));
      return broadcastToken(cls, batch, 1);
    });
  }

  /** Patch positions without the cls row. @returns [1, L, D] */
  protected patchPositions(): tf.Tensor3D {
    return tf.slice(this.posEmbed, [0, 1, 0], [1, -1, -1]);
  }

  /** Patch embedding + positions, cls first. @returns [B, 1+L, D] */
  protected embed(imgs: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => {
      const patches = tf.add(this.patchEmbed.forward(imgs), this.patchPositions());
      return tf.concat([this.clsTokens(imgs.shape[0]), patches], 1) as tf.Tensor3D;
    });
  }

  /** Resolves a possibly negative block index; throws naming `what` when out of range. */
  private blockIndex(l: number, what: string): number {
    const depth = this.blocks.length;
    const idx = l < 0 ? depth + l : l;
    if (!Number.isInteger(idx) || idx < 0 || idx >= depth) throw new Error(`${what}: layer ${l} out of range for depth ${depth}`);
    return idx;
  }

  /** Runs the blocks and the final norm, collecting requested block outputs. */
  protected runBlocks(x: tf.Tensor, layers: number[] = []): VitFeatures {
    const wanted = layers.map((l) => this.blockIndex(l, 'forwardFeatures'));
    const collected = new Map<number, tf.Tensor3D>();
    let h = x;
    let i = 0;
    for (const block of this.blocks) {
      h = block.forward(h);
      if (wanted.includes(i)) collected.set(i, h as tf.Tensor3D);
      i++;
    }
    return { tokens: this.norm.forward(h) as tf.Tensor3D, layers: wanted.map((w) => collected.get(w)!) };
  }

  /**
   * Encodes every patch (no masking), for downstream use.
   * @param imgs [B, H, W, C]
   * @returns tokens [B, 1+L, D] after the final norm, and the requested block outputs [B, 1+L, D]
   */
  forwardFeatures(imgs: tf.Tensor, options: ForwardFeaturesOptions = {}): VitFeatures {
    return tf.tidy(() => this.runBlocks(this.embed(imgs), options.layers));
  }

  /**
   * The self-attention probabilities of one block (default the last), as the block computes them
   * on the unmasked image: `softmax(q·kᵀ/√hd)` of its pre-norm input. Row 0 is what the class token
   * attends to (see `clsAttentionMap`). Blocks after `layer` are not run.
   * @param imgs [B, H, W, C]
   * @returns [B, heads, 1+L, 1+L]; rows sum to 1
   * @example const a = vit.forwardAttention(image, { layer: -1 }); // [1, 3, 197, 197] for ViT-tiny/16 at 224
   */
  forwardAttention(imgs: tf.Tensor, options: ForwardAttentionOptions = {}): tf.Tensor4D {
    const target = this.blockIndex(options.layer ?? -1, 'forwardAttention');
    return tf.tidy(() => {
      let h: tf.Tensor = this.embed(imgs);
      let i = 0;
      for (const block of this.blocks) {
        if (i === target) return block.attn.forward(block.norm1.forward(h), { returnAttention: true }).attention as tf.Tensor4D;
        h = block.forward(h);
        i++;
      }
      throw new Error(`forwardAttention: block ${target} not reached`);
    });
  }

  /** Same as `forwardFeatures(imgs).tokens`. @returns [B, 1+L, D] */
  forward(imgs: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => this.forwardFeatures(imgs).tokens);
  }

  /** Frees the parameters and the fixed position table. */
  override dispose(): void {
    super.dispose();
    this.posEmbed.dispose();
  }
}
