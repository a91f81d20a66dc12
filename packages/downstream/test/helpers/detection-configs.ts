import type { DetectionConfig, DetectionScale } from '../../src/detection/anchors.js';

/** A one-class geometry on 32-pixel images, small enough for unit tests. */
function tinyConfig(scales: DetectionScale[]): DetectionConfig {
  return { imageSize: 32, numClasses: 1, scales };
}

/**
 * Grids 4, 2, 1 with three anchors each: for a 2×2 token grid (16-pixel patches) the scales
 * are 4 (upsampled), 2 and 1 (pooled), as 28/14/7 are to the 14×14 grid of a 224-pixel ViT.
 */
export const threeScalesThreeAnchors: DetectionConfig = tinyConfig([
  {
    grid: 4,
    anchors: [
      [4, 4],
      [6, 6],
      [8, 8],
    ],
  },
  {
    grid: 2,
    anchors: [
      [12, 12],
      [16, 16],
      [20, 20],
    ],
  },
  {
    grid: 1,
    anchors: [
      [24, 24],
      [28, 28],
      [32, 32],
    ],
  },
]);

/** Grids 4 and 2, two anchors each. */
export const twoScalesTwoAnchors: DetectionConfig = tinyConfig([
  {
    grid: 4,
    anchors: [
      [4, 4],
      [8, 6],
    ],
  },
  {
    grid: 2,
    anchors: [
      [12, 12],
      [24, 20],
    ],
  },
]);

/** Grids 4, 2, 1, two anchors each. */
export const threeScalesTwoAnchors: DetectionConfig = tinyConfig([
  {
    grid: 4,
    anchors: [
      [4, 4],
      [8, 8],
    ],
  },
  {
    grid: 2,
    anchors: [
      [12, 12],
      [20, 20],
    ],
  },
  {
    grid: 1,
    anchors: [
      [28, 28],
      [32, 32],
    ],
  },
]);
