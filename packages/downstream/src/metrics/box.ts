/** An axis-aligned box `[x1, y1, x2, y2]` (top-left, bottom-right) in pixels. */
export type Box = readonly [number, number, number, number] | number[];

/** Throws a clear error naming `where` unless `box` has 4 finite coordinates with x1 ≤ x2 and y1 ≤ y2. */
export function checkBox(box: ArrayLike<number>, where: string): void {
  if (box.length !== 4) throw new Error(`${where}: a box needs 4 numbers [x1, y1, x2, y2], got ${box.length}`);
  for (let k = 0; k < 4; k++) {
    if (!Number.isFinite(box[k])) throw new Error(`${where}: coordinate ${k} is ${box[k]}`);
  }
  if (box[2] < box[0] || box[3] < box[1]) {
    throw new Error(`${where}: [${Array.from(box).join(', ')}] has x2 < x1 or y2 < y1`);
  }
}
