/**
 * The super-resolution context window of a synthetic image, computed from its
 * finding masks: the 12×12 sub-grid of the 14×14 patch grid (32-px patches of
 * the image resized to 448) with the most finding pixels.
 */

/** Window position: `i` = row offset, `j` = column offset, both in {0, 1, 2} (patch units). */
export interface ContextWindow {
  i: number;
  j: number;
}

/**
 * Picks the window from binary masks (`height × width`). Ties and images with
 * no finding pixels give the centre window (1, 1).
 */
export function contextWindow(masks: Uint8Array[], width: number, height: number): ContextWindow {
  // Mass per cell of the 14×14 grid.
  const grid = new Float64Array(14 * 14);
  let total = 0;
  for (const m of masks) {
    for (let y = 0; y < height; y++) {
      const gy = Math.min(13, Math.floor((y * 14) / height));
      for (let x = 0; x < width; x++) {
        if (!m[y * width + x]) continue;
        grid[gy * 14 + Math.min(13, Math.floor((x * 14) / width))] += 1;
        total++;
      }
    }
  }
  if (total === 0) return { i: 1, j: 1 };
  let best = { i: 1, j: 1 };
  let bestMass = -1;
  for (let i = 0; i <= 2; i++) {
    for (let j = 0; j <= 2; j++) {
      let mass = 0;
      for (let r = i; r < i + 12; r++) for (let c = j; c < j + 12; c++) mass += grid[r * 14 + c];
      // On ties prefer the window nearest the centre, so findings that fit anywhere stay centred.
      const nearer = Math.abs(i - 1) + Math.abs(j - 1) < Math.abs(best.i - 1) + Math.abs(best.j - 1);
      if (mass > bestMass || (mass === bestMass && nearer)) {
        bestMass = mass;
        best = { i, j };
      }
    }
  }
  return best;
}
