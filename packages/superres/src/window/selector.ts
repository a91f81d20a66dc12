/**
 * Window selection for a batch, with the fall-back to the centred window when a report
 * has no entity token, and counters of how often each case happened (reported by the
 * trainer and by the offline pass).
 */
import { entityAttentionMap, type EntityMapOptions, type ExampleAttention } from './entity-map.js';
import { centredWindow, ECAMP_WINDOW_GEOMETRY, type ContextWindow, type WindowGeometry } from './grid.js';
import { selectWindow } from './select.js';

/** Why a window was chosen. */
export type WindowSource = 'attention' | 'fallback-no-entity';

/** A selected window and how it was chosen. */
export interface SelectedWindow extends ContextWindow {
  source: WindowSource;
  /** Entity attention mass inside the window (0 for fall-backs). */
  mass: number;
}

/** Running counts of window choices. */
export interface WindowSelectionCounts {
  /** Windows chosen from entity attention. */
  selected: number;
  /** Reports with no entity token that got the centred window. */
  fallbackNoEntity: number;
}

/** Chooses windows from entity attention and counts fall-backs. */
export class WindowSelector {
  readonly geometry: WindowGeometry;
  private readonly mapOptions: Omit<EntityMapOptions, 'patchCells' | 'geometry'>;
  private readonly tally: WindowSelectionCounts = { selected: 0, fallbackNoEntity: 0 };

  constructor(options: { geometry?: WindowGeometry; fill?: EntityMapOptions['fill'] } = {}) {
    this.geometry = options.geometry ?? ECAMP_WINDOW_GEOMETRY;
    this.mapOptions = { fill: options.fill };
  }

  /** The window of one example (see {@link entityAttentionMap} for the inputs). */
  select(attention: ExampleAttention, entityMask: ArrayLike<number>, patchCells?: ArrayLike<number>): SelectedWindow {
    const map = entityAttentionMap(attention, entityMask, { ...this.mapOptions, patchCells, geometry: this.geometry });
    if (map === null) {
      this.tally.fallbackNoEntity++;
      return { ...centredWindow(this.geometry), source: 'fallback-no-entity', mass: 0 };
    }
    this.tally.selected++;
    const { i, j, mass } = selectWindow(map, this.geometry);
    return { i, j, mass, source: 'attention' };
  }

  /** A copy of the counts so far. */
  counts(): WindowSelectionCounts {
    return { ...this.tally };
  }

  /** Zeroes the counts (e.g. at each logging interval). */
  resetCounts(): void {
    this.tally.selected = 0;
    this.tally.fallbackNoEntity = 0;
  }
}
