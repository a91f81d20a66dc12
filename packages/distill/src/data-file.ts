import { fileURLToPath } from 'node:url';

/**
 * Absolute path of a file in the package's `data/` folder. Works from `src/` (tests, tsx) and
 * from `dist/` (published build) because both sit one level below the package root.
 */
export function packageDataPath(name: string): string {
  return fileURLToPath(new URL(`../data/${name}`, import.meta.url));
}

/** Parses one JSONL line that must hold a JSON object; errors start with `where` (`file:line`). */
export function parseJsonObjectLine(line: string, where: string): Record<string, unknown> {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch (err) {
    throw new Error(`${where}: not valid JSON (${(err as Error).message})`);
  }
  if (!row || typeof row !== 'object' || Array.isArray(row)) throw new Error(`${where}: expected a JSON object`);
  return row as Record<string, unknown>;
}
