/**
 * Where configuration errors point: the line of each bad field (in the file,
 * in a parent it extends, or the --set that set it), the line and column of a
 * JSON syntax error, the file whose `extends` names a missing file; a
 * byte-order mark is read past; a `__proto__` key is an unknown key, not a
 * silent prototype swap.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, deepMerge, loadConfig } from './load.js';

function files(entries: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecamp-config-lines-'));
  for (const [name, text] of Object.entries(entries)) writeFileSync(join(dir, name), text);
  return dir;
}

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration errors name the line', () => {
  it('of a bad field in YAML and JSON, in a parent file, and from --set', () => {
    const dir = files({
      'parent.yaml': 'extends: tiny\n\n# the optimiser\noptim:\n  lr: fast\n',
      'child.json': '{\n  "extends": "parent.yaml",\n  "seed": 2,\n  "model": {\n    "vit": "huge"\n  }\n}\n',
    });
    const msg = messageOf(() => loadConfig(join(dir, 'child.json'), ['evaluate.epochs=many']));
    expect(msg.split('\n')).toEqual([
      `${join(dir, 'child.json')} (with --set evaluate.epochs=many): invalid configuration`,
      '  model.vit: Invalid option: expected one of "tiny"|"small"|"base" (line 5)',
      `  optim.lr: Invalid input: expected number, received string (line 5 of ${join(dir, 'parent.yaml')})`,
      '  evaluate.epochs: Invalid input: expected number, received string (from --set evaluate.epochs=many)',
    ]);
  });

  it('of an unknown key (the key itself), and near the parent of a field a rule requires', () => {
    const dir = files({ 'typo.yaml': 'extends: tiny\noptim:\n  steps: 5\n  learningRate: 1\ndata:\n  source: csv\n' });
    const msg = messageOf(() => loadConfig(join(dir, 'typo.yaml')));
    expect(msg).toContain('\n  optim.learningRate: Unrecognized key: "learningRate" (line 4)');
    const dir2 = files({ 'rule.yaml': 'extends: tiny\ndata:\n  source: csv\n' });
    expect(messageOf(() => loadConfig(join(dir2, 'rule.yaml')))).toContain(
      "\n  data.csv: required when data.source is 'csv' (the authors' img_path, report, llm_output CSV) (near line 2)",
    );
  });

  it('and column of a JSON syntax error; names the file whose extends is missing or not a string', () => {
    const dir = files({
      'bad.json': '{\n  "seed": 1,\n  "optim": { "lr": 1, }\n}\n',
      'ext.json': '{\n  "seed": 1,\n  "extends": "gone.json"\n}\n',
      'num.yaml': 'seed: 1\nextends: 5\n',
    });
    expect(messageOf(() => loadConfig(join(dir, 'bad.json')))).toMatch(new RegExp(`^${join(dir, 'bad.json')}: cannot parse \\(line 3, column \\d+\\): `));
    expect(messageOf(() => loadConfig(join(dir, 'ext.json')))).toBe(
      `config file not found: ${join(dir, 'gone.json')} (the 'extends' on line 3 of ${join(dir, 'ext.json')})`,
    );
    expect(messageOf(() => loadConfig(join(dir, 'num.yaml')))).toBe(`${join(dir, 'num.yaml')}: field 'extends' must be a preset name or a path (line 2)`);
  });
});

describe('configuration files', () => {
  it('may start with a byte-order mark', () => {
    const dir = files({ 'bom.json': '\uFEFF{ "extends": "tiny", "seed": 4 }', 'bom.yaml': '\uFEFFextends: tiny\nseed: 5\n' });
    expect(loadConfig(join(dir, 'bom.json')).seed).toBe(4);
    expect(loadConfig(join(dir, 'bom.yaml')).seed).toBe(5);
  });

  it('keep a __proto__ key as a key: rejected as unknown, never merged into the prototype', () => {
    const dir = files({ 'p.json': '{ "extends": "tiny", "__proto__": { "seed": 7 } }' });
    expect(messageOf(() => loadConfig(join(dir, 'p.json')))).toContain('\n  __proto__: Unrecognized key: "__proto__" (line 1)');
    expect(messageOf(() => loadConfig('tiny', ['__proto__.seed=7']))).toContain('\n  __proto__: Unrecognized key: "__proto__" (from --set __proto__.seed=7)');
    const merged = deepMerge({ a: 1 }, JSON.parse('{"__proto__": {"polluted": 1}}'));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['a', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
