import { tf } from '@ecamp/core';
import type { Box } from '../metrics/box.js';
import { boxIou } from '../metrics/iou.js';
import { bceWithLogitsElementwise } from '../losses/bce-with-logits.js';
import type { DetectionConfig } from './anchors.js';
import { decodeBox } from './box-coding.js';
import type { DetectionTargets } from './targets.js';

/** Options of {@link yoloLoss}. */
export interface YoloLossOptions {
  /** A negative anchor whose decoded box overlaps a true box with IoU > this is not penalised as background (default 0.5). */
  ignoreThreshold?: number;
}

/** The loss and its parts (scalars; the caller owns all of them). */
export interface YoloLossParts {
  /** Sum of the four parts. */
  total: tf.Scalar;
  /** Centre offsets: BCE(σ(t_xy), target offset), weighted 2 − wh/area. */
  xy: tf.Scalar;
  /** Sizes: ½·(t_wh − log(wh/anchor))², weighted likewise. */
  wh: tf.Scalar;
  /** Objectness BCE on positives and non-ignored negatives. */
  objectness: tf.Scalar;
  /** Class BCE on positives. */
  classes: tf.Scalar;
}

/**
 * Anchors to leave out of the background loss: those whose current
 * prediction already overlaps a true box of the image by IoU > threshold.
 * Computed from the output values, so no gradient flows through it.
 *
 * @param values [B·S·S·A·(5 + C)] raw outputs of one scale
 * @returns [B·S·S·A] 1 = ignore
 */
export function ignoreMask(values: ArrayLike<number>, boxes: readonly Box[][], config: DetectionConfig, scaleIndex: number, threshold: number): Float32Array {
  const scale = config.scales[scaleIndex];
  const anchors = scale.anchors.length;
  const stride = 5 + config.numClasses;
  const perImage = scale.grid * scale.grid * anchors;
  const mask = new Float32Array(boxes.length * perImage);
  boxes.forEach((truth, b) => {
    if (truth.length === 0) return;
    for (let cell = 0; cell < scale.grid * scale.grid; cell++) {
      const row = Math.floor(cell / scale.grid);
      const col = cell % scale.grid;
      for (let a = 0; a < anchors; a++) {
        const slot = b * perImage + cell * anchors + a;
        const o = slot * stride;
        const box = decodeBox([values[o], values[o + 1], values[o + 2], values[o + 3]], row, col, scale.grid, config.imageSize, scale.anchors[a]);
        if (truth.some((t) => boxIou(box, t) > threshold)) mask[slot] = 1;
      }
    }
  });
  return mask;
}

/**
 * YOLOv3 loss summed over scales, anchors and cells, divided by the batch size.
 *
 * @param outputs one [B, S, S, A·(5 + C)] raw tensor per scale
 * @param targets from `assignTargets(boxes, config)`
 * @param boxes the same ground-truth boxes (for the ignore mask)
 */
export function yoloLoss(
  outputs: tf.Tensor4D[],
  targets: DetectionTargets,
  boxes: readonly Box[][],
  config: DetectionConfig,
  options: YoloLossOptions = {},
): YoloLossParts {
  const threshold = options.ignoreThreshold ?? 0.5;
  const c = config.numClasses;
  if (outputs.length !== config.scales.length || targets.scales.length !== config.scales.length) {
    throw new Error(`yoloLoss: ${outputs.length} outputs and ${targets.scales.length} target scales for ${config.scales.length} scales`);
  }
  return tf.tidy(() => {
    const batch = outputs[0].shape[0];
    let xy: tf.Tensor = tf.scalar(0);
    let wh: tf.Tensor = tf.scalar(0);
    let obj: tf.Tensor = tf.scalar(0);
    let cls: tf.Tensor = tf.scalar(0);
    outputs.forEach((out, si) => {
      const scale = config.scales[si];
      const a = scale.anchors.length;
      const shape = [batch, scale.grid, scale.grid, a];
      if (!tf.util.arraysEqual(out.shape, [batch, scale.grid, scale.grid, a * (5 + c)])) {
        throw new Error(`yoloLoss: scale ${si} output [${out.shape}] is not [${batch}, ${scale.grid}, ${scale.grid}, ${a * (5 + c)}]`);
      }
      const t = targets.scales[si];
      if (t.positive.length !== batch * scale.grid * scale.grid * a) {
        throw new Error(`yoloLoss: scale ${si} targets are for ${t.positive.length / (scale.grid * scale.grid * a)} images, outputs for ${batch}`);
      }
      const raw = out.reshape([...shape, 5 + c]);
      const positive = tf.tensor(t.positive, shape);
      const weight = tf.tensor(t.weight, shape); // 0 off positives
      const targetBox = tf.tensor(t.box, [...shape, 4]);
      const ignore = tf.tensor(ignoreMask(out.dataSync(), boxes, config, si, threshold), shape);
      const negative = tf.scalar(1).sub(positive).mul(tf.scalar(1).sub(ignore));
      const predXy = raw.slice([0, 0, 0, 0, 0], [...shape, 2]);
      const predWh = raw.slice([0, 0, 0, 0, 2], [...shape, 2]);
      const predObj = raw.slice([0, 0, 0, 0, 4], [...shape, 1]).reshape(shape);
      const predCls = raw.slice([0, 0, 0, 0, 5], [...shape, c]);
      const targetXy = targetBox.slice([0, 0, 0, 0, 0], [...shape, 2]);
      const targetWh = targetBox.slice([0, 0, 0, 0, 2], [...shape, 2]);
      xy = xy.add(bceWithLogitsElementwise(predXy, targetXy).sum(-1).mul(weight).sum());
      wh = wh.add(predWh.sub(targetWh).square().sum(-1).mul(0.5).mul(weight).sum());
      const objBce1 = bceWithLogitsElementwise(predObj, tf.onesLike(predObj));
      const objBce0 = bceWithLogitsElementwise(predObj, tf.zerosLike(predObj));
      obj = obj.add(objBce1.mul(positive).add(objBce0.mul(negative)).sum());
      cls = cls.add(
        bceWithLogitsElementwise(predCls, tf.tensor(t.classes, [...shape, c]))
          .sum(-1)
          .mul(positive)
          .sum(),
      );
    });
    const parts = [xy, wh, obj, cls].map((p) => p.div(batch) as tf.Scalar);
    return { total: tf.addN(parts) as tf.Scalar, xy: parts[0], wh: parts[1], objectness: parts[2], classes: parts[3] };
  });
}
