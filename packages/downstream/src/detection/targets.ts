import type { Box } from '../metrics/box.js';
import { checkDetectionConfig, type DetectionConfig } from './anchors.js';
import { encodeBox, shapeIou } from './box-coding.js';

/** Training targets of one scale, laid out like the head output [B, S, S, A, …]. */
export interface ScaleTargets {
  /** [B·S·S·A] 1 where an anchor is responsible for a box. */
  positive: Float32Array;
  /** [B·S·S·A·4] (tx, ty, tw, th) at positives, 0 elsewhere. */
  box: Float32Array;
  /** [B·S·S·A] 2 − w·h / imageSize² at positives (small boxes weigh more), 0 elsewhere. */
  weight: Float32Array;
  /** [B·S·S·A·C] one-hot class at positives. */
  classes: Float32Array;
}

/** What {@link assignTargets} built. */
export interface DetectionTargets {
  /** One entry per scale of the config. */
  scales: ScaleTargets[];
  /** Boxes that landed on an anchor slot already taken by an earlier box of the same image (the later one wins). */
  collisions: number;
}

/**
 * YOLOv3 target assignment: each ground-truth box goes to the single anchor
 * (over all scales) whose shape best matches it (centred IoU), in the cell of
 * its centre on that anchor's scale.
 *
 * @param boxes [B images] boxes `[x1, y1, x2, y2]` in pixels of the input
 * @param labels [B images] class index per box (default all 0)
 */
export function assignTargets(boxes: readonly Box[][], config: DetectionConfig, labels?: readonly number[][]): DetectionTargets {
  checkDetectionConfig(config);
  const batch = boxes.length;
  const anchorsPerScale = config.scales[0].anchors.length;
  const c = config.numClasses;
  const scales: ScaleTargets[] = config.scales.map((s) => {
    const slots = batch * s.grid * s.grid * anchorsPerScale;
    return { positive: new Float32Array(slots), box: new Float32Array(slots * 4), weight: new Float32Array(slots), classes: new Float32Array(slots * c) };
  });
  const allAnchors = config.scales.flatMap((s, si) => s.anchors.map((anchor, a) => ({ si, a, anchor })));
  let collisions = 0;
  boxes.forEach((imageBoxes, b) => {
    imageBoxes.forEach((box, k) => {
      const label = labels?.[b]?.[k] ?? 0;
      if (!Number.isInteger(label) || label < 0 || label >= c) throw new Error(`assignTargets: image ${b} box ${k} has class ${label}, expected [0, ${c})`);
      const size: [number, number] = [box[2] - box[0], box[3] - box[1]];
      let best = allAnchors[0];
      let bestIou = -1;
      for (const candidate of allAnchors) {
        const iou = shapeIou(size, candidate.anchor);
        if (iou > bestIou) {
          bestIou = iou;
          best = candidate;
        }
      }
      const scale = config.scales[best.si];
      const e = encodeBox(box, scale.grid, config.imageSize, best.anchor);
      const slot = ((b * scale.grid + e.row) * scale.grid + e.col) * anchorsPerScale + best.a;
      const t = scales[best.si];
      if (t.positive[slot] === 1) {
        collisions++;
        t.classes.fill(0, slot * c, slot * c + c);
      }
      t.positive[slot] = 1;
      t.box.set([e.tx, e.ty, e.tw, e.th], slot * 4);
      t.weight[slot] = 2 - (size[0] * size[1]) / config.imageSize ** 2;
      t.classes[slot * c + label] = 1;
    });
  });
  return { scales, collisions };
}
