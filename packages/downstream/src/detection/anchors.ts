/** One detection scale: a square grid over the image and its anchor shapes. */
export interface DetectionScale {
  /** Cells per side (28, 14, 7 for a 224 image). */
  grid: number;
  /** Anchor [width, height] pairs in pixels. */
  anchors: Array<[number, number]>;
}

/** Geometry of a YOLOv3-style detector. */
export interface DetectionConfig {
  /** Square input side in pixels (224). */
  imageSize: number;
  /** Finest grid first (28, 14, 7). */
  scales: DetectionScale[];
  /** Object classes (RSNA Pneumonia: 1). */
  numClasses: number;
}

/**
 * YOLOv3's nine COCO anchors (defined for 416-pixel inputs) scaled to
 * `imageSize`, three per scale, small anchors on the fine 28×28 grid.
 * RSNA users may prefer anchors fitted to their boxes (k-means); pass them in
 * a {@link DetectionConfig} instead.
 */
export function yoloV3Config(imageSize = 224, numClasses = 1): DetectionConfig {
  const coco: Array<[number, number]> = [
    [10, 13],
    [16, 30],
    [33, 23],
    [30, 61],
    [62, 45],
    [59, 119],
    [116, 90],
    [156, 198],
    [373, 326],
  ];
  const s = imageSize / 416;
  const scaled = coco.map(([w, h]) => [w * s, h * s] as [number, number]);
  return {
    imageSize,
    numClasses,
    scales: [8, 16, 32].map((stride, k) => ({ grid: imageSize / stride, anchors: scaled.slice(3 * k, 3 * k + 3) })),
  };
}

/** Throws a clear error when a config cannot work (non-integer strides, no anchors, mixed anchor counts). */
export function checkDetectionConfig(config: DetectionConfig): void {
  if (config.scales.length === 0) throw new Error('detection config: no scales');
  const perScale = config.scales[0].anchors.length;
  config.scales.forEach((s, i) => {
    if (!Number.isInteger(s.grid) || s.grid < 1 || config.imageSize % s.grid !== 0) {
      throw new Error(`detection config: scale ${i} grid ${s.grid} does not divide image size ${config.imageSize}`);
    }
    if (s.anchors.length === 0 || s.anchors.length !== perScale) {
      throw new Error(`detection config: scale ${i} has ${s.anchors.length} anchors, expected ${perScale} like scale 0`);
    }
    s.anchors.forEach(([w, h], a) => {
      if (!(w > 0 && h > 0)) throw new Error(`detection config: scale ${i} anchor ${a} is [${w}, ${h}]`);
    });
  });
  if (!Number.isInteger(config.numClasses) || config.numClasses < 1) throw new Error(`detection config: numClasses ${config.numClasses}`);
}
