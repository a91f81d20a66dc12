import { describe, expect, it } from 'vitest';
import {
  ECAMP_WINDOW_GEOMETRY,
  centredWindow,
  isValidWindow,
  positionsPerAxis,
  validateGeometry,
  viewSizePx,
  windowGeometryFor,
  windowPixelBox,
} from './grid.js';

describe('window grid', () => {
  it('has ECAMP sizes: 3 positions per axis, a 448 view, a centred (1,1) window', () => {
    expect(positionsPerAxis()).toBe(3);
    expect(viewSizePx()).toBe(448);
    expect(centredWindow()).toEqual({ i: 1, j: 1 });
  });

  it('maps (i, j) = (row, column) to a pixel box: i moves y, j moves x', () => {
    expect(windowPixelBox({ i: 2, j: 0 })).toEqual({ x: 0, y: 64, size: 384 });
    expect(windowPixelBox({ i: 0, j: 1 })).toEqual({ x: 32, y: 0, size: 384 });
  });

  it('validates windows and geometries', () => {
    expect(isValidWindow({ i: 2, j: 2 })).toBe(true);
    expect(isValidWindow({ i: 3, j: 0 })).toBe(false);
    expect(isValidWindow({ i: 0.5, j: 0 })).toBe(false);
    expect(() => validateGeometry({ ...ECAMP_WINDOW_GEOMETRY, windowCells: 15 })).toThrow(/windowCells/);
    expect(() => validateGeometry({ ...ECAMP_WINDOW_GEOMETRY, cellPx: 0 })).toThrow(/cellPx/);
    expect(centredWindow({ gridSize: 8, windowCells: 4, cellPx: 8 })).toEqual({ i: 2, j: 2 });
  });

  it('derives the geometry from model sizes', () => {
    expect(windowGeometryFor({ imageSize: 224, patchSize: 16, scale: 2, windowCells: 12 })).toEqual(ECAMP_WINDOW_GEOMETRY);
    expect(windowGeometryFor({ imageSize: 112, patchSize: 16, scale: 4, windowCells: 5 })).toEqual({ gridSize: 7, windowCells: 5, cellPx: 64 });
    expect(() => windowGeometryFor({ imageSize: 100, patchSize: 16, scale: 2, windowCells: 4 })).toThrow(/not a multiple of patchSize/);
    expect(() => windowGeometryFor({ imageSize: 64, patchSize: 16, scale: 2, windowCells: 5 })).toThrow(/exceeds gridSize/);
  });
});
