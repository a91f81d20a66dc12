/**
 * timm's `PatchEmbed` as a Linear over flattened patches: patchify NHWC `[B, H, W, C]` into
 * `[B, L, p*p*C]` (features ordered (p, q, c)), then `proj` `[p*p*C] → [D]`. This equals
 * timm's stride-p conv; `checkpointFilter` reorders the conv kernel `[D, C, p, p]` into our
 * `proj.weight` `[p*p*C, D]`. A Linear (one 2-D matmul) is the fast path on wasm.
 */
import { Linear, Module, Rng, tf } from '@ecamp/core';
import { patchGrid, patchify } from './patchify.js';

/** Options of {@link PatchEmbed}. */
export interface PatchEmbedOptions {
  /** Random source for the xavier initialisation (MAE's choice for the patch projection). */
  rng?: Rng;
}

/** Patch embedding; parameters `proj.weight` [p*p*C, D], `proj.bias` [D]. */
export class PatchEmbed extends Module {
  /** Flattened-patch projection. */
  readonly proj: Linear;

  constructor(
    readonly imageSize: number,
    readonly patchSize: number,
    readonly inChannels: number,
    readonly embedDim: number,
    opts: PatchEmbedOptions = {},
  ) {
    super();
    patchGrid(imageSize, imageSize, patchSize);
    this.proj = this.addModule('proj', new Linear(patchSize * patchSize * inChannels, embedDim, { rng: opts.rng ?? new Rng(0) }));
  }

  /** Patches per image L = (imageSize / patchSize)². */
  get numPatches(): number {
    return patchGrid(this.imageSize, this.imageSize, this.patchSize).numPatches;
  }

  /** Patchify without projecting. @param imgs [B, H, W, C] @returns [B, L, p*p*C] */
  patchify(imgs: tf.Tensor): tf.Tensor3D {
    if (imgs.rank !== 4 || imgs.shape[1] !== this.imageSize || imgs.shape[2] !== this.imageSize || imgs.shape[3] !== this.inChannels) {
      throw new Error(`PatchEmbed: expected images [B, ${this.imageSize}, ${this.imageSize}, ${this.inChannels}], got [${imgs.shape}]`);
    }
    return patchify(imgs, this.patchSize);
  }

  /** Project already patchified pixels. @param patches [B, K, p*p*C] @returns [B, K, D] */
  embedPatches(patches: tf.Tensor): tf.Tensor3D {
    return this.proj.forward(patches) as tf.Tensor3D;
  }

  /** @param imgs [B, H, W, C] @returns [B, L, D] */
  forward(imgs: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => this.embedPatches(this.patchify(imgs)));
  }
}
