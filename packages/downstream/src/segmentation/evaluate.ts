import { tf } from '@ecamp/core';
import type { FeatureEncoder } from '../encoder.js';
import { perImageDice, type MaskMetricOptions } from '../metrics/dice.js';
import { perImageMaskIou } from '../metrics/iou.js';
import type { SegmentationDecoder } from './decoder.js';
import { frozenFeatureMap, type SegmentationBatch } from './fit.js';

/** Options of {@link evaluateSegmentation}. */
export interface EvaluateSegmentationOptions {
  /** The frozen vision encoder. */
  encoder: FeatureEncoder;
  /** The trained decoder. */
  decoder: SegmentationDecoder;
  /** Evaluation batches (disposed after use). */
  batches: Iterable<SegmentationBatch> | AsyncIterable<SegmentationBatch>;
  /** Threshold on the sigmoid probability (default 0.5) and empty-image convention (default 1). */
  metric?: MaskMetricOptions;
}

/** Metrics of {@link evaluateSegmentation}. */
export interface SegmentationEvaluation {
  /** Images seen. */
  count: number;
  /** The paper's metric: per-image Dice at 0.5, averaged over images (and over classes when several). */
  dice: number;
  /** Per-image IoU, averaged likewise. */
  iou: number;
  /** [numClasses] mean per-image Dice of each output map. */
  perClassDice: number[];
  /** [numClasses][N] Dice of every image. */
  perImageDice: number[][];
}

/** Run encoder and decoder in evaluation mode and score per-image Dice and IoU at the threshold. */
export async function evaluateSegmentation(options: EvaluateSegmentationOptions): Promise<SegmentationEvaluation> {
  const { encoder, decoder, batches } = options;
  const classes = decoder.numClasses;
  encoder.train?.(false);
  decoder.eval();
  const diceByClass: number[][] = Array.from({ length: classes }, () => []);
  const iouByClass: number[][] = Array.from({ length: classes }, () => []);
  let count = 0;
  for await (const batch of batches) {
    try {
      // [C, B, H·W]: one row of pixels per class and image.
      const rows = tf.tidy(() => {
        const logits = decoder.forward(frozenFeatureMap(encoder, batch.images));
        if (!tf.util.arraysEqual(logits.shape, batch.masks.shape)) {
          throw new Error(`evaluateSegmentation: decoder output [${logits.shape}] but masks [${batch.masks.shape}]`);
        }
        const toRows = (t: tf.Tensor) => t.transpose([3, 0, 1, 2]).reshape([classes, -1]);
        return [toRows(tf.sigmoid(logits)), toRows(batch.masks.toFloat())];
      });
      const probs = rows[0].dataSync();
      const masks = rows[1].dataSync();
      tf.dispose(rows);
      const [b, h, w] = batch.masks.shape;
      for (let c = 0; c < classes; c++) {
        const from = c * b * h * w;
        const p = probs.subarray(from, from + b * h * w);
        const t = masks.subarray(from, from + b * h * w);
        diceByClass[c].push(...perImageDice(p, t, h * w, options.metric).perImage);
        iouByClass[c].push(...perImageMaskIou(p, t, h * w, options.metric).perImage);
      }
      count += b;
    } finally {
      tf.dispose([batch.images, batch.masks]);
    }
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, v) => a + v, 0) / xs.length : Number.NaN);
  const perClassDice = diceByClass.map(mean);
  return {
    count,
    dice: mean(perClassDice),
    iou: mean(iouByClass.map(mean)),
    perClassDice,
    perImageDice: diceByClass,
  };
}
