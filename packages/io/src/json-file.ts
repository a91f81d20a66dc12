import { readFileSync } from 'node:fs';

/**
 * Reads and parses a JSON file; errors name the file: `cannot read <path>: …` and
 * `<path> is not valid JSON: …`, after `<what>: ` when `what` is given (e.g. `entity lexicon`).
 */
export function readJsonFile(path: string, what?: string): unknown {
  const prefix = what ? `${what}: ` : '';
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${prefix}cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${prefix}${path} is not valid JSON: ${(err as Error).message}`);
  }
}
