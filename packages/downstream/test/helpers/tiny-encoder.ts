import { Conv2d, Module, ModuleList, Rng, TransformerBlock, LayerNorm, tf, type Parameter } from '@ecamp/core';
import type { EncoderFeatures, FeatureEncoder, ForwardFeaturesOptions } from '../../src/encoder.js';

/**
 * A few-thousand-parameter ViT for tests, built from core layers: patch
 * embedding (conv, stride = patch), learned cls token and positions,
 * `depth` pre-norm blocks, final LayerNorm. Matches {@link FeatureEncoder}
 * the way `@ecamp/vision`'s ViT does (`{ tokens, layers }`).
 */
export class TinyEncoder extends Module implements FeatureEncoder {
  readonly patchEmbed: Conv2d;
  readonly clsToken: tf.Variable;
  readonly posEmbed: tf.Variable;
  readonly blocks: ModuleList<TransformerBlock>;
  readonly norm: LayerNorm;
  readonly numPrefixTokens = 1;

  constructor(
    readonly gridSize = 4,
    readonly patchSize = 4,
    readonly embedDim = 16,
    depth = 2,
    seed = 0,
  ) {
    super();
    const rng = new Rng(seed);
    this.patchEmbed = this.addModule('patch_embed', new Conv2d(3, embedDim, patchSize, { stride: patchSize, padding: 'valid', rng: rng.fork('pe') }));
    this.clsToken = this.addParameter('cls_token', tf.tensor(rng.normalArray(embedDim, 0, 0.02), [1, 1, embedDim]));
    this.posEmbed = this.addParameter('pos_embed', tf.tensor(rng.normalArray((1 + gridSize ** 2) * embedDim, 0, 0.02), [1, 1 + gridSize ** 2, embedDim]));
    this.blocks = this.addModule(
      'blocks',
      new ModuleList(Array.from({ length: depth }, (_, i) => new TransformerBlock(embedDim, 2, { rng: rng.fork(`b${i}`) }))),
    );
    this.norm = this.addModule('norm', new LayerNorm(embedDim, { eps: 1e-6 }));
  }

  forwardFeatures(images: tf.Tensor4D, options: ForwardFeaturesOptions = {}): EncoderFeatures {
    const byLayer = new Map<number, tf.Tensor>();
    const tokens = tf.tidy(() => {
      const b = images.shape[0];
      const patches = this.patchEmbed.forward(images).reshape([b, this.gridSize ** 2, this.embedDim]);
      let x: tf.Tensor = tf.concat([tf.tile(this.clsToken, [b, 1, 1]), patches], 1).add(this.posEmbed);
      let i = 0;
      for (const block of this.blocks) {
        x = block.forward(x);
        if (options.layers?.includes(i)) byLayer.set(i, tf.keep(x));
        i++;
      }
      return this.norm.forward(x);
    });
    if (!options.layers) return { tokens };
    return {
      tokens,
      layers: options.layers.map((l) => {
        const t = byLayer.get(l);
        if (!t) throw new Error(`TinyEncoder: no block ${l} (depth ${this.blocks.length})`);
        return t;
      }),
    };
  }

  override namedParameters(prefix = ''): Parameter[] {
    return super.namedParameters(prefix);
  }
}
