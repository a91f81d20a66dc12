import { packageDataPath, readJsonFile } from './data-file.js';
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
  for (const tag of mesh.split(';').map((t) => t.trim()).filter(Boolean)) {
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
 * entity was predicted, the share where the prediction has the same side.
 */
export function scoreEntityPresence(
  items: readonly { gold: readonly GoldEntity[]; predicted: Distillation }[],
  table: MeshTable,
  options: ScoreOptions = {},
): QualityReport {
  const scored = meshTableEntities(table);
  const positive = new Set(options.uncertainAsPresent === false ? ['present'] : ['present', 'uncertain']);
  const perEntity: QualityReport['perEntity'] = {};
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
      }
    }
    for (const e of goldSet) {
      if (!predSet.has(e)) {
        fn += 1;
        bump(e, 'fn');
      }
    }
    for (const g of gold) {
      if (!g.laterality || !predSet.has(g.entity)) continue;
      latTotal += 1;
      if (found.some((f) => f.entity === g.entity && f.laterality === g.laterality)) latOk += 1;
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
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    lateralityCorrect: latOk,
    lateralityTotal: latTotal,
    lateralityAccuracy: latTotal ? latOk / latTotal : 0,
    perEntity,
  };
}
