/**
 * The configuration fuzz corpus, generated from a seed: for every field of
 * the schema (read from the schema itself, so new fields are covered), every
 * value of a wrong type — in a JSON file, in a YAML file, and through --set —
 * and the field's own default (which must load, so the files are known to be
 * well formed); plus broken files (syntax errors, a byte-order mark, a YAML
 * alias bomb, deep nesting, a top level that is not an object, bad or cyclic
 * `extends`, `__proto__`) and the trainer's data inputs (a CSV with bad rows,
 * a header-only CSV, images that are all corrupt).
 *
 * Each wrong value must give a ConfigError naming the file, the field and the
 * line the generator wrote it on (or the --set that set it). The seed chooses
 * the format of each case, filler fields before the bad one and comment lines,
 * so the lines move. Written at test time (a few hundred KB), not committed.
 */
import { join } from 'node:path';
import { synthesizeSample } from '@ecamp/data';
import { encodePng, Rng, writeFileAtomic } from '@ecamp/io';
import { ConfigSchema } from '../../src/config/schema.js';

/** What a config case runs (plain data: it crosses into the worker). */
export type ConfigOp =
  /** loadConfig(file, sets), then the value at `path` of the result. */
  | { kind: 'load'; file: string; sets: string[]; path: string[] }
  /** loadConfig, then prepareRunData: the pre-training record ids and the skip counts. */
  | { kind: 'data'; file: string; sets: string[] }
  /** loadConfig, prepareRunData, then the first batch of the loader batch source. */
  | { kind: 'batch'; file: string; sets: string[] };

/** What a config case must give. */
export type ConfigExpect =
  | { kind: 'value'; value: unknown }
  /** Loads, and the value at the path is an object (an object field written as {} is filled with its defaults). */
  | { kind: 'object' }
  /** An error whose message matches every pattern (names of file, field and line are in them). */
  | { kind: 'error'; patterns: RegExp[] }
  | { kind: 'records'; records: string[]; skips: Record<string, number> };

/** One case. */
export interface ConfigCase {
  id: string;
  /** The group in the results table: the field, or what the file is. */
  group: string;
  what: string;
  op: ConfigOp;
  expect: ConfigExpect;
}

/** The corpus as written. */
export interface ConfigCorpus {
  cases: ConfigCase[];
  files: number;
  bytes: number;
}

type Kind =
  | { type: 'number'; int: boolean }
  | { type: 'string' }
  | { type: 'boolean' }
  | { type: 'enum'; values: string[] }
  | { type: 'tuple'; length: number }
  | { type: 'object' };

/** One field of the schema: its path, its kind, whether it is optional, and its default when it has one. */
export interface Field {
  path: string[];
  kind: Kind;
  optional: boolean;
  fallback?: unknown;
}

type Def = { type: string; innerType?: unknown; shape?: Record<string, unknown>; entries?: Record<string, string>; items?: unknown[]; defaultValue?: unknown };
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

/** Every field of the configuration schema, objects included, depth first. */
export function schemaFields(schema: unknown = ConfigSchema, path: string[] = []): Field[] {
  const out: Field[] = [];
  for (const [key, field] of Object.entries(defOf(schema).shape ?? {})) {
    let s = field;
    let optional = false;
    let fallback: unknown;
    for (let d = defOf(s); ['optional', 'default', 'prefault', 'nullable'].includes(d.type); d = defOf(s)) {
      if (d.type === 'optional') optional = true;
      if (d.type === 'default' && fallback === undefined) fallback = d.defaultValue;
      s = d.innerType;
    }
    const d = defOf(s);
    const p = [...path, key];
    let kind: Kind;
    if (d.type === 'number') kind = { type: 'number', int: (s as { format?: string }).format === 'safeint' };
    else if (d.type === 'string') kind = { type: 'string' };
    else if (d.type === 'boolean') kind = { type: 'boolean' };
    else if (d.type === 'enum') kind = { type: 'enum', values: Object.values(d.entries ?? {}) };
    else if (d.type === 'tuple') kind = { type: 'tuple', length: d.items?.length ?? 0 };
    else if (d.type === 'object') kind = { type: 'object' };
    else throw new Error(`config corpus: field ${p.join('.')} has a schema type "${d.type}" the corpus does not know; add its wrong values`);
    out.push({ path: p, kind, optional, fallback });
    if (kind.type === 'object') out.push(...schemaFields(s, p));
  }
  return out;
}

/** A value to write: JSON-able, or a YAML-only token (`.nan`, `.inf`, `~`) for YAML files. */
interface Wrong {
  label: string;
  json?: unknown;
  yaml?: string;
  /** What --set gets (text after `=`), when this wrong value can be given there. */
  set?: string;
}

/** Values of the wrong type (or not a number at all) for a field of this kind. */
export function wrongValues(kind: Kind): Wrong[] {
  const all: Record<string, Wrong> = {
    string: { label: 'string "fz"', json: 'fz', set: 'fz' },
    numericString: { label: 'string "1"', json: '1' },
    number: { label: 'number 5', json: 5, set: '5' },
    fraction: { label: 'number 1.5', json: 1.5, set: '1.5' },
    bool: { label: 'boolean true', json: true, set: 'true' },
    nul: { label: 'null', json: null, set: 'null' },
    array: { label: 'array [1]', json: [1], set: '[1]' },
    object: { label: 'object {"a":1}', json: { a: 1 }, set: '{"a":1}' },
    nan: { label: 'YAML .nan', yaml: '.nan' },
    inf: { label: 'number 1e999 (Infinity)', json: 1e999, yaml: '.inf' },
    tilde: { label: 'YAML ~ (null)', yaml: '~' },
  };
  const pick = (...k: string[]) => k.map((x) => all[x]);
  switch (kind.type) {
    case 'number':
      return [...pick('string', 'numericString', 'bool', 'nul', 'array', 'object', 'nan', 'inf', 'tilde'), ...(kind.int ? pick('fraction') : [])];
    case 'string':
      return pick('number', 'bool', 'nul', 'array', 'object', 'tilde');
    case 'boolean':
      return [{ label: 'string "true"', json: 'true' }, ...pick('number', 'nul', 'array', 'object', 'tilde')];
    case 'enum':
      return [{ label: 'string "bogus"', json: 'bogus', set: 'bogus' }, ...pick('number', 'bool', 'nul', 'array', 'object')];
    case 'tuple':
      return [
        { label: 'one item', json: [0.5], set: '[0.5]' },
        {
          label: 'too many items',
          json: Array.from({ length: kind.length + 1 }, () => 0.5),
          set: JSON.stringify(Array.from({ length: kind.length + 1 }, () => 0.5)),
        },
        { label: 'strings', json: Array.from({ length: kind.length }, () => 'x'), set: JSON.stringify(Array.from({ length: kind.length }, () => 'x')) },
        ...pick('number', 'string', 'nul', 'object'),
      ];
    case 'object':
      return pick('string', 'number', 'bool', 'nul', 'array');
  }
}

/** A valid value of this kind (for the control cases): the default, or one that fits. */
function validValue(f: Field): unknown {
  if (f.fallback !== undefined) return f.fallback;
  switch (f.kind.type) {
    case 'number':
      return 1;
    case 'string':
      return 'fz.json';
    case 'boolean':
      return true;
    case 'enum':
      return f.kind.values[0];
    case 'tuple':
      return Array.from({ length: f.kind.length }, () => 0.5);
    case 'object':
      return {};
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Emits `extends: tiny`, filler fields and `path: value` as JSON or YAML, one key per line;
 * returns the text and the line of the last key of `path`.
 */
function emit(
  format: 'json' | 'yaml',
  path: string[],
  value: { json?: unknown; yaml?: string },
  filler: [string, unknown][],
  comments: number,
): { text: string; line: number } {
  const lines: string[] = [];
  let line = 0;
  if (format === 'yaml') {
    for (let k = 0; k < comments; k++) lines.push(`# comment ${k + 1}`, '');
    lines.push('extends: tiny');
    for (const [k, v] of filler) lines.push(`${k}: ${JSON.stringify(v)}`);
    path.forEach((key, d) => {
      const pad = '  '.repeat(d);
      if (d < path.length - 1) lines.push(`${pad}${key}:`);
      else {
        lines.push(`${pad}${key}: ${value.yaml ?? JSON.stringify(value.json)}`);
        line = lines.length;
      }
    });
    return { text: `${lines.join('\n')}\n`, line };
  }
  lines.push('{', '  "extends": "tiny",');
  for (const [k, v] of filler) lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  path.forEach((key, d) => {
    const pad = '  '.repeat(d + 1);
    if (d < path.length - 1) lines.push(`${pad}${JSON.stringify(key)}: {`);
    else {
      lines.push(`${pad}${JSON.stringify(key)}: ${JSON.stringify(value.json)}`);
      line = lines.length;
    }
  });
  for (let d = path.length - 2; d >= 0; d--) lines.push(`${'  '.repeat(d + 1)}}`);
  lines.push('}');
  return { text: `${lines.join('\n')}\n`, line };
}

/** Writes the corpus under `root` from `seed`. */
export async function writeConfigCorpus(root: string, seed = 1): Promise<ConfigCorpus> {
  const rng = Rng.sfc32(seed);
  const files = new Map<string, string | Uint8Array>();
  const cases: ConfigCase[] = [];
  const add = (c: ConfigCase, own: Record<string, string | Uint8Array> = {}) => {
    if (cases.some((x) => x.id === c.id)) throw new Error(`config corpus: duplicate case ${c.id}`);
    for (const [rel, t] of Object.entries(own)) files.set(rel, t);
    cases.push(c);
  };
  const abs = (rel: string) => join(root, rel);
  const fillers: [string, unknown][] = [
    ['name', 'fuzz'],
    ['seed', 3],
    ['outDir', 'runs-fuzz'],
  ];

  // ---- every field × every wrong type, in a file and through --set; and the field's valid value --------
  for (const f of schemaFields()) {
    const dotted = f.path.join('.');
    const filler = () => fillers.filter(([k]) => k !== f.path[0] && rng.bernoulli(0.5));
    const wrongs = wrongValues(f.kind);
    for (const [w, wrong] of wrongs.entries()) {
      for (const format of ['json', 'yaml'] as const) {
        if (format === 'json' && !('json' in wrong)) continue;
        if (format === 'yaml' && wrong.yaml === undefined && !('json' in wrong)) continue;
        const rel = `fields/${dotted}/${w}.${format}`;
        const { text, line } = emit(format, f.path, wrong, filler(), format === 'yaml' ? rng.int(3) : 0);
        add(
          {
            id: `${dotted} = ${wrong.label} (${format})`,
            group: dotted,
            what: `${f.kind.type} field given ${wrong.label}`,
            op: { kind: 'load', file: rel, sets: [], path: f.path },
            // One line per issue: the field (or, for a tuple, each of its items) and the line it is on.
            expect: {
              kind: 'error',
              patterns: [new RegExp(`^${escape(abs(rel))}: invalid configuration(\\n  ${escape(dotted)}(\\.\\d+)?: [^\\n]+ \\(line ${line}\\))+$`)],
            },
          },
          { [rel]: text },
        );
      }
      if (wrong.set !== undefined) {
        const set = `${dotted}=${wrong.set}`;
        add({
          id: `${dotted} = ${wrong.label} (--set)`,
          group: dotted,
          what: `--set ${set}`,
          op: { kind: 'load', file: 'base.yaml', sets: [set], path: f.path },
          expect: {
            kind: 'error',
            patterns: [
              new RegExp(
                `^${escape(abs('base.yaml'))} \\(with --set ${escape(set)}\\): invalid configuration(\\n  ${escape(dotted)}(\\.\\d+)?: [^\\n]+ \\(from --set ${escape(set)}\\))+$`,
              ),
            ],
          },
        });
      }
    }
    // Control: the field's valid value loads (in the format the seed picks), so every file above is well formed but for its value.
    const format = rng.bernoulli(0.5) ? 'json' : 'yaml';
    const rel = `fields/${dotted}/valid.${format}`;
    const value = validValue(f);
    add(
      {
        id: `${dotted} = valid ${JSON.stringify(value)} (${format})`,
        group: dotted,
        what: 'its default (or a fitting value)',
        op: { kind: 'load', file: rel, sets: [], path: f.path },
        expect: f.kind.type === 'object' ? { kind: 'object' } : { kind: 'value', value },
      },
      { [rel]: emit(format, f.path, { json: value }, filler(), rng.int(3)).text },
    );
  }
  files.set('base.yaml', 'extends: tiny\n');

  // ---- broken files ------------------------------------------------------------------------------------------
  const file = (group: string, name: string, what: string, text: string | Uint8Array, expect: ConfigExpect, sets: string[] = []) =>
    add({ id: `${group}/${name}`, group, what, op: { kind: 'load', file: `files/${name}`, sets, path: ['seed'] }, expect }, { [`files/${name}`]: text });
  const err = (...patterns: (RegExp | string)[]): ConfigExpect => ({
    kind: 'error',
    patterns: patterns.map((p) => (typeof p === 'string' ? new RegExp(escape(p)) : p)),
  });
  const at = (name: string) => abs(`files/${name}`);
  file(
    'syntax',
    'trailing-comma.json',
    'a trailing comma',
    '{\n  "extends": "tiny",\n  "seed": 1,\n}\n',
    err(new RegExp(`^${escape(at('trailing-comma.json'))}: cannot parse \\(line 4, column 1\\): `)),
  );
  file('syntax', 'unterminated.json', 'an unterminated JSON object', '{\n  "seed": 1\n', err(`${at('unterminated.json')}: cannot parse`));
  file('syntax', 'empty.json', 'an empty .json file', '', err(`${at('empty.json')}: cannot parse: Unexpected end of JSON input`));
  file('syntax', 'empty.yaml', 'an empty .yaml file', '', err(`${at('empty.yaml')}: the top level must be an object`));
  file(
    'syntax',
    'tab-indent.yaml',
    'a tab in YAML indentation',
    'optim:\n\tlr: 1\n',
    err(new RegExp(`^${escape(at('tab-indent.yaml'))}: cannot parse: .*line 2, column 1`, 's')),
  );
  file(
    'syntax',
    'nested-compact.yaml',
    'a: b: c',
    'seed: 1\na: b: c\n',
    err(new RegExp(`^${escape(at('nested-compact.yaml'))}: cannot parse: .*at line 2, column 4`, 's')),
  );
  file(
    'syntax',
    'duplicate-key.yaml',
    'a key twice in YAML',
    'seed: 1\nseed: 2\n',
    err(new RegExp(`^${escape(at('duplicate-key.yaml'))}: cannot parse: Map keys must be unique at line 2, column 1`)),
  );
  file('syntax', 'binary.json', 'random bytes', Buffer.from(Uint8Array.from({ length: 256 }, () => rng.int(256))), err(`${at('binary.json')}: cannot parse`));
  file(
    'syntax',
    'alias-bomb.yaml',
    'a YAML alias bomb ("billion laughs")',
    [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghi'.split('').map((c, k) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[k]}`).join(',')}]`),
      'seed: *i',
      '',
    ].join('\n'),
    err(new RegExp(`^${escape(at('alias-bomb.yaml'))}: cannot parse: Excessive alias count`)),
  );
  file(
    'syntax',
    'deep.json',
    'an unknown key nested 5,000 deep',
    `{"extends": "tiny", "deep": ${'{"a": '.repeat(5000)}1${'}'.repeat(5000)}}`,
    err(`${at('deep.json')}: invalid configuration\n  deep: Unrecognized key: "deep" (line 1)`),
  );
  file('top', 'array.json', 'a top-level array', '[1, 2]', err(`${at('array.json')}: the top level must be an object`));
  file('top', 'string.yaml', 'a top-level string', 'just text\n', err(`${at('string.yaml')}: the top level must be an object`));
  file('top', 'null.json', 'a top-level null', 'null', err(`${at('null.json')}: the top level must be an object`));
  file('top', 'bom.json', 'a byte-order mark before the JSON (loads)', '\uFEFF{ "extends": "tiny", "seed": 9 }', { kind: 'value', value: 9 });
  file('top', 'bom.yaml', 'a byte-order mark before the YAML (loads)', '\uFEFFextends: tiny\nseed: 8\n', { kind: 'value', value: 8 });
  file('top', 'crlf.yaml', 'CRLF line ends (loads)', 'extends: tiny\r\nseed: 7\r\n', { kind: 'value', value: 7 });
  file(
    'top',
    'proto.json',
    'a __proto__ key (was merged into the prototype and ignored)',
    '{\n  "extends": "tiny",\n  "__proto__": { "seed": 7 }\n}\n',
    err(`${at('proto.json')}: invalid configuration\n  __proto__: Unrecognized key: "__proto__" (line 3)`),
  );
  file(
    'top',
    'constructor.yaml',
    'a constructor.prototype key',
    'extends: tiny\nconstructor:\n  prototype:\n    seed: 7\n',
    err(`  constructor: Unrecognized key: "constructor" (line 2)`),
  );
  file(
    'extends',
    'ext-number.yaml',
    'extends: 5',
    'seed: 1\nextends: 5\n',
    err(`${at('ext-number.yaml')}: field 'extends' must be a preset name or a path (line 2)`),
  );
  file(
    'extends',
    'ext-missing.json',
    'extends a file that does not exist',
    '{\n  "extends": "./nowhere.yaml"\n}\n',
    err(`config file not found: ${at('nowhere.yaml')} (the 'extends' on line 2 of ${at('ext-missing.json')})`),
  );
  file('extends', 'ext-preset.yaml', 'extends an unknown preset', 'extends: huge\n', err(`${at('ext-preset.yaml')}: no preset named 'huge'`));
  file('extends', 'cycle-a.yaml', 'a cycle of extends', 'extends: ./cycle-b.yaml\n', err(`${at('cycle-a.yaml')}: 'extends' forms a cycle`));
  files.set('files/cycle-b.yaml', 'extends: ./cycle-a.yaml\n');
  file(
    'extends',
    'parent-bad.yaml',
    'a wrong type in the file it extends',
    'extends: ./parent.json\nseed: 2\n',
    err(`\n  optim.lr: Invalid input: expected number, received string (line 4 of ${at('parent.json')})`),
  );
  files.set('files/parent.json', '{\n  "extends": "tiny",\n  "optim": {\n    "lr": "fast"\n  }\n}\n');
  file('set', 'set-no-eq.yaml', '--set without "="', 'extends: tiny\n', err(`--set 'seed': expected key.path=value`), ['seed']);
  file(
    'set',
    'set-proto.yaml',
    '--set __proto__.seed=7',
    'extends: tiny\n',
    err(`\n  __proto__: Unrecognized key: "__proto__" (from --set __proto__.seed=7)`),
    ['__proto__.seed=7'],
  );
  file('set', 'set-empty-key.yaml', '--set a..b=1 (an empty key)', 'extends: tiny\n', err(`\n  a: Unrecognized key: "a" (from --set a..b=1)`), ['a..b=1']);
  file(
    'set',
    'set-rule.yaml',
    '--set breaking a cross-field rule',
    'extends: tiny\n',
    err(`\n  data.syntheticSplit: train + val must leave a test split (sum < 1) (from --set data.syntheticSplit.train=0.95)`),
    ['data.syntheticSplit.train=0.95'],
  );

  // ---- the trainer's data inputs: data.source=csv -------------------------------------------------------
  const grey = synthesizeSample(seed, 0, { size: 448 }).image;
  const png = encodePng(
    Uint8Array.from({ length: grey.length * 3 }, (_, i) => grey[Math.floor(i / 3)]),
    448,
    448,
  );
  for (const n of ['a', 'b', 'c', 'd']) files.set(`data/img/${n}.png`, png);
  for (const n of ['x', 'y']) files.set(`data/img/${n}.png`, 'not a png');
  const csvConfig = (name: string, csv: string, onBad = 'skip') =>
    `extends: tiny\nname: ${name}\noutDir: ${JSON.stringify(abs('runs'))}\ndata:\n  source: csv\n  csv: ${JSON.stringify(abs(`data/${csv}`))}\n  onBadSample: ${onBad}\n  context: none\n  batchSize: 2\nobjectives:\n  superres:\n    window: center\nevaluate:\n  trainList: ${JSON.stringify(abs('data/list.txt'))}\n  testList: ${JSON.stringify(abs('data/list.txt'))}\n`;
  files.set('data/list.txt', 'img/a.png 1\nimg/b.png 0\n');
  files.set(
    'data/mixed.csv',
    'img_path,report\nimg/a.png,Clear lungs.\nimg/gone.png,Normal.\nimg/b.png,"stray "quote"\nimg/b.png,Small effusion.\nimg/c.png,\nimg/d.png,No pneumothorax.\nimg/a.png,Again.\n',
  );
  files.set('data/header-only.csv', 'img_path,report\n');
  files.set('data/all-corrupt.csv', 'img_path,report\nimg/x.png,Clear.\nimg/y.png,Normal.\n');
  const data = (name: string, csv: string, what: string, kind: 'data' | 'batch', expect: ConfigExpect, onBad = 'skip') =>
    add(
      { id: `trainer-data/${name}`, group: 'trainer data', what, op: { kind, file: `data/${name}.yaml`, sets: [] }, expect },
      { [`data/${name}.yaml`]: csvConfig(name, csv, onBad) },
    );
  data('mixed-skip', 'mixed.csv', 'CSV with a missing image, a stray quote, an empty report and a duplicate (skip)', 'data', {
    kind: 'records',
    records: ['a', 'b', 'd'],
    skips: { 'missing-image': 1, 'unreadable-row': 1, 'empty-report': 1, duplicate: 1 },
  });
  // Under fail the first error is the first row the CSV reader rejects (line 4's quoting), before the rows' values are checked (line 3's image).
  data(
    'mixed-fail',
    'mixed.csv',
    'the same CSV under onBadSample: fail',
    'data',
    err(new RegExp(`^${escape(abs('data/mixed.csv'))}:4 \\(field "report"\\): unreadable-row: text after the closing quote`)),
    'fail',
  );
  data(
    'header-only',
    'header-only.csv',
    'a CSV with a header and no rows',
    'data',
    err(new RegExp(`^pretrain: no usable pre-training records in ${escape(abs('data/header-only.csv'))} \\(skipped 0\\)$`)),
  );
  data(
    'all-corrupt',
    'all-corrupt.csv',
    'every image corrupt: the first batch is an error, not an endless wait',
    'batch',
    err(/^Loader: epoch 0 gave no batch: 0 of 2 records decoded, batch size 2; skipped 2 \(corrupt-image 2\)$/),
  );

  let bytes = 0;
  for (const rel of [...files.keys()].sort()) {
    const c = files.get(rel)!;
    writeFileAtomic(join(root, rel), c);
    bytes += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
  }
  return { cases, files: files.size, bytes };
}
