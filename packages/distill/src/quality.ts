import { readJsonFile } from '@ecamp/io';
import { packageDataPath } from './data-file.js';
import type { Distillation, Laterality } from './schema.js';

/** How MeSH tags become lexicon entities; see `data/mesh-to-lexicon.json`. */
export interface MeshTable {
  /** MeSH heading (or "Heading/qualifier") → lexicon entities. */
  map: Readonly<Record<string, readonly string[]>>;
  /** Tag qualifier naming an anatomy entity ("hilum" → "hilar"): a pathological tag located there makes it present. */
  anatomyQualifiers?: Readonly<Record<string, string>>;
  /** Headings that are no pathology (devices, markings), ignored for anatomy qualifiers. */
  notPathological?: readonly string[];
}

/** The shipped IU X-ray MeSH → lexicon table (`data/mesh-to-lexicon.json`). */
export function defaultMeshTable(): MeshTable {
  const json = readJsonFile(packageDataPath('mesh-to-lexicon.json')) as Partial<MeshTable>;
  if (!json.map || typeof json.map !== 'object') throw new Error('data/mesh-to-lexicon.json: missing "map" object');
  return { map: json.map, anatomyQualifiers: json.anatomyQualifiers, notPathological: json.notPathological };
}

/** Every entity the table can produce (the scored set). */
export function meshTableEntities(table: MeshTable): Set<string> {
  return new Set([...Object.values(table.map).flat(), ...Object.values(table.anatomyQualifiers ?? {})]);
}

/** A gold entity parsed from one MeSH tag, with the side the tag names (if any). */
export interface GoldEntity {
  entity: string;
  laterality: Laterality | null;
  tag: string;
}

/**
 * Lexicon entities of one report's MeSH field ("Opacity/lung/upper lobe/right;Cardiomegaly/mild").
 * A "Heading/qualifier" key of the table wins over the plain heading; the tag's left/right/bilateral
 * qualifier becomes its laterality.
 */
export function goldEntitiesFromMesh(mesh: string, table: MeshTable): GoldEntity[] {
  const out: GoldEntity[] = [];
  for (const tag of mesh
    .split(';')
    .map((t) => t.trim())
    .filter(Boolean)) {
    const [heading, ...qualifiers] = tag.split('/').map((p) => p.trim());
    const qualified = qualifiers.map((q) => table.map[`${heading}/${q}`]).find(Boolean);
    const entities = new Set(qualified ?? table.map[heading] ?? []);
    if (!table.notPathological?.includes(heading)) {
      for (const q of qualifiers) {
        const anatomy = table.anatomyQualifiers?.[q];
        if (anatomy) entities.add(anatomy);
      }
    }
    const side = qualifiers.find((q) => q === 'left' || q === 'right' || q === 'bilateral') as Laterality | undefined;
    for (const entity of entities) out.push({ entity, laterality: side ?? null, tag });
  }
  return out;
}

/** Counts of scoring errors by kind (the confusion summary of {@link scoreEntityPresence}). */
export interface ErrorKinds {
  /** Gold entity never mentioned by the prediction. */
  missedNotMentioned: number;
  /** Gold entity predicted absent (negation scope too wide, or a resolved/changed finding read as absent). */
  missedNegated: number;
  /** Gold entity predicted uncertain while uncertain counts as absent. */
  missedUncertain: number;
  /** Entity predicted present that the experts did not tag. */
  spuriousPresent: number;
  /** Entity predicted uncertain (counted present) that the experts did not tag. */
  spuriousUncertain: number;
  /** Sided gold tag, entity found, but no predicted finding of it names a side. */
  lateralityNoSide: number;
  /** Sided gold tag, prediction names the opposite side only. */
  lateralityWrongSide: number;
  /** Bilateral against one side (either way round). */
  lateralityBilateralMismatch: number;
}

/** Entity presence and laterality scores over many reports. */
export interface QualityReport {
  reports: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Gold tags with a side whose entity was found: how many got that side right. */
  lateralityCorrect: number;
  lateralityTotal: number;
  lateralityAccuracy: number;
  /** Per-entity true positives, false positives and false negatives. */
  perEntity: Record<string, { tp: number; fp: number; fn: number }>;
  /** Errors by kind. */
  errors: ErrorKinds;
}

/** Options of {@link scoreEntityPresence}. */
export interface ScoreOptions {
  /** Count "uncertain" findings as predicted present (default true: MeSH indexers tag suspected findings). */
  uncertainAsPresent?: boolean;
}

/**
 * Micro-averaged per-report entity presence precision/recall/F1: for each report, the set of
 * gold entities (from its MeSH tags) against the set of entities predicted present. Only
 * entities that the table can produce are scored (a prediction of "silhouette" is neither right
 * nor wrong, MeSH has no such tag). Laterality accuracy: over gold tags naming a side whose
 * entity was predicted, the share where the prediction has the same side. Every error is also
 * counted by kind (`errors`).
 */
export function scoreEntityPresence(
  items: readonly { gold: readonly GoldEntity[]; predicted: Distillation }[],
  table: MeshTable,
  options: ScoreOptions = {},
): QualityReport {
  const scored = meshTableEntities(table);
  const positive = new Set(options.uncertainAsPresent === false ? ['present'] : ['present', 'uncertain']);
  const perEntity: QualityReport['perEntity'] = {};
  const errors: ErrorKinds = {
    missedNotMentioned: 0,
    missedNegated: 0,
    missedUncertain: 0,
    spuriousPresent: 0,
    spuriousUncertain: 0,
    lateralityNoSide: 0,
    lateralityWrongSide: 0,
    lateralityBilateralMismatch: 0,
  };
  const bump = (e: string, k: 'tp' | 'fp' | 'fn') => ((perEntity[e] ??= { tp: 0, fp: 0, fn: 0 })[k] += 1);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let latOk = 0;
  let latTotal = 0;
  for (const { gold, predicted } of items) {
    const goldSet = new Set(gold.map((g) => g.entity));
    const found = predicted.entities.filter((f) => positive.has(f.status) && scored.has(f.entity));
    const predSet = new Set(found.map((f) => f.entity));
    for (const e of predSet) {
      if (goldSet.has(e)) {
        tp += 1;
        bump(e, 'tp');
      } else {
        fp += 1;
        bump(e, 'fp');
        if (found.some((f) => f.entity === e && f.status === 'present')) errors.spuriousPresent += 1;
        else errors.spuriousUncertain += 1;
      }
    }
    for (const e of goldSet) {
      if (!predSet.has(e)) {
        fn += 1;
        bump(e, 'fn');
        const statuses = new Set(predicted.entities.filter((f) => f.entity === e).map((f) => f.status));
        if (statuses.has('uncertain')) errors.missedUncertain += 1;
        else if (statuses.has('absent')) errors.missedNegated += 1;
        else errors.missedNotMentioned += 1;
      }
    }
    for (const g of gold) {
      if (!g.laterality || !predSet.has(g.entity)) continue;
      latTotal += 1;
      const sides = found.filter((f) => f.entity === g.entity).map((f) => f.laterality);
      if (sides.includes(g.laterality)) latOk += 1;
      else if (sides.every((s) => s === null)) errors.lateralityNoSide += 1;
      else if (g.laterality === 'bilateral' || sides.includes('bilateral')) errors.lateralityBilateralMismatch += 1;
      else errors.lateralityWrongSide += 1;
    }
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return {
    reports: items.length,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision,
    recall,
    f1: f1Of(precision, recall),
    lateralityCorrect: latOk,
    lateralityTotal: latTotal,
    lateralityAccuracy: latTotal ? latOk / latTotal : 0,
    perEntity,
    errors,
  };
}

function f1Of(precision: number, recall: number): number {
  return precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
}

/** Precision, recall and F1 of one entity from its counts (0 where undefined). */
export function entityScores(c: { tp: number; fp: number; fn: number }): { precision: number; recall: number; f1: number } {
  const precision = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0;
  return { precision, recall, f1: f1Of(precision, recall) };
}

/**
 * The table without its anatomy rule (`anatomyQualifiers`): only MeSH headings make entities. A
 * stricter, more literal reading of the tags, printed beside the full table so that a scorer with
 * its own heading map can be compared.
 */
export function headingsOnlyTable(table: MeshTable): MeshTable {
  return { map: table.map, notPathological: table.notPathological };
}

/**
 * The fixed development/held-out split of the IU X-ray reports used by the quality benchmark:
 * `uid` divisible by 4 → `tune` (rules may be developed while looking at these), otherwise
 * `test` (scored only, never read for rule development). Non-numeric ids fall to `test`.
 */
export function iuXraySplit(id: string): 'tune' | 'test' {
  const n = Number(id);
  return Number.isInteger(n) && n % 4 === 0 ? 'tune' : 'test';
}

/** Formats a quality report: totals, laterality, error kinds and (optionally) P/R/F1 per entity. */
export function formatQualityReport(q: QualityReport, options: { perEntity?: boolean } = {}): string {
  const pct = (x: number) => (100 * x).toFixed(1).padStart(5);
  const e = q.errors;
  const lines = [
    `  entity presence  P ${pct(q.precision)}  R ${pct(q.recall)}  F1 ${pct(q.f1)}   (tp ${q.truePositives}, fp ${q.falsePositives}, fn ${q.falseNegatives})`,
    `  laterality accuracy ${pct(q.lateralityAccuracy)}   (${q.lateralityCorrect}/${q.lateralityTotal} sided gold tags whose entity was found)`,
    `  errors by kind: missed [not mentioned ${e.missedNotMentioned}, negated ${e.missedNegated}, uncertain ${e.missedUncertain}]` +
      `  spurious [present ${e.spuriousPresent}, uncertain ${e.spuriousUncertain}]` +
      `  laterality [no side ${e.lateralityNoSide}, wrong side ${e.lateralityWrongSide}, bilateral vs one ${e.lateralityBilateralMismatch}]`,
  ];
  if (options.perEntity) {
    lines.push(`  ${'entity'.padEnd(16)}    P     R    F1     tp   fp   fn`);
    const order = Object.entries(q.perEntity).sort((a, b) => b[1].tp + b[1].fn - (a[1].tp + a[1].fn) || a[0].localeCompare(b[0]));
    for (const [name, c] of order) {
      const s = entityScores(c);
      lines.push(
        `  ${name.padEnd(16)} ${pct(s.precision)} ${pct(s.recall)} ${pct(s.f1)}  ${String(c.tp).padStart(4)} ${String(c.fp).padStart(4)} ${String(c.fn).padStart(4)}`,
      );
    }
  }
  return lines.join('\n');
}
