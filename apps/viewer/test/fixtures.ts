/**
 * What the browser tests share (made once by global-setup.ts): the built page served over HTTP,
 * a checkpoint from a short `ecamp pretrain` of the tiny preset, and synthetic radiographs.
 */
export interface ViewerFixtures {
  /** The built viewer, served by a local static server. */
  url: string;
  /** test-output/: screenshots and the run folder are kept here (CI artefacts). */
  outDir: string;
  /** checkpoints/encoder.safetensors of the tiny run (timm names). */
  encoder: string;
  /** checkpoints/pretrain.safetensors of the same run (the encoder under `mae.`, plus everything else). */
  pretrain: string;
  /** The run folder (config.json, tokenizer.json, checkpoints/). */
  runDir: string;
  /** A synthetic radiograph at the model's side (224×224, grey PNG): no resizing anywhere. */
  image224: string;
  /** The same radiograph at 448×448 (the page resizes it). */
  image448: string;
  /** Seconds each preparation step took (printed, for CI time budgeting). */
  seconds: Record<string, number>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    viewer: ViewerFixtures;
  }
}
