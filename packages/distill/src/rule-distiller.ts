import { type Lexicon, defaultChestXrayLexicon, pluralForms } from './lexicon.js';
import { type RuleData, defaultRuleData } from './rule-data.js';
import { canonicalDistillation, type Distillation, type EntityFinding, type EntityStatus, type Laterality } from './schema.js';
import { PhraseMatcher, type PhraseMatch, type Token, splitSentences, tokenize } from './text.js';

/** Options of {@link RuleDistiller}. */
export interface RuleDistillerOptions {
  /** Entities to report (default: the authors' 44). Entities without rule data match their own name and plurals. */
  lexicon?: Lexicon;
  /** Surface forms, triggers and descriptor vocabularies (default: `data/rules.json`). */
  rules?: RuleData;
  /** How many tokens after a finding a post-trigger ("… is not seen") may stand (NegEx uses about 5). */
  postTriggerWindow?: number;
}

type MentionKind = 'form' | 'adjective' | 'subject';
type TriggerKind = 'pseudo' | 'negationBefore' | 'negationAfter' | 'uncertainBefore' | 'uncertainAfter' | 'termination';
type QualifierKind = 'abnormal' | 'normal';
type DescriptorKind = 'severity' | 'laterality' | 'location' | 'change';

interface Mention extends PhraseMatch<{ entity: string; kind: MentionKind }> {
  /** Token positions whose negation/uncertainty decides the status (the mention and its qualifier). */
  anchors: number[];
  fixedStatus?: EntityStatus;
  finding?: EntityFinding;
}

const PUNCT_BREAKS = new Set([',', ';', ':', '(', ')']);
const DESCRIPTOR_KINDS: DescriptorKind[] = ['severity', 'laterality', 'location', 'change'];

/**
 * Offline, rule-based distiller: produces the same {@link Distillation} JSON as the LLM path
 * without any model. Per sentence it
 * 1. finds lexicon entities by whole-word surface forms (longest phrase first, plurals included);
 *    anatomy words ("aorta", "heart size", "hemidiaphragm") count only with a qualifier in their
 *    clause: abnormal ("tortuous", "enlarged", "elevated") → present, normal only → absent;
 * 2. decides absent/uncertain with NegEx-style triggers: pre-triggers ("no", "without",
 *    "possible") reach to the sentence end or a termination term ("but", "which"), post-triggers
 *    ("… is not seen", "… cannot be excluded") reach back a few tokens; the nearest trigger wins,
 *    pseudo-triggers ("no change") are skipped;
 * 3. attaches severity/size, laterality, location and change words of the same clause to the
 *    nearest entity (the one they precede, else the one they follow);
 * then merges mentions per entity (left + right → bilateral) into canonical order.
 */
export class RuleDistiller {
  readonly lexicon: Lexicon;
  private readonly rules: RuleData;
  private readonly window: number;
  private readonly entities: PhraseMatcher<{ entity: string; kind: MentionKind }>;
  private readonly triggers: PhraseMatcher<TriggerKind>;
  private readonly breaks: PhraseMatcher<true>;
  private readonly qualifiers = new Map<string, PhraseMatcher<QualifierKind>>();
  private readonly descriptors: Record<DescriptorKind, PhraseMatcher<string>>;

  constructor(options: RuleDistillerOptions = {}) {
    this.lexicon = options.lexicon ?? defaultChestXrayLexicon();
    this.rules = options.rules ?? defaultRuleData();
    this.window = options.postTriggerWindow ?? 6;
    const entityEntries: [string, { entity: string; kind: MentionKind }][] = [];
    for (const entity of this.lexicon.entities) {
      const r = this.rules.entities[entity] ?? { forms: [entity] };
      for (const form of r.forms ?? []) for (const f of [form, ...pluralForms(form)]) entityEntries.push([f, { entity, kind: 'form' }]);
      for (const adj of r.adjectives ?? []) entityEntries.push([adj, { entity, kind: 'adjective' }]);
      for (const subj of r.qualified?.subjects ?? []) {
        for (const f of [subj, ...pluralForms(subj)]) entityEntries.push([f, { entity, kind: 'subject' }]);
      }
      const abnormal = r.qualified?.abnormal ?? this.rules.qualifiers.abnormal;
      const normal = [...this.rules.qualifiers.normal, ...(r.qualified?.normal ?? [])];
      this.qualifiers.set(
        entity,
        new PhraseMatcher<QualifierKind>([
          ...abnormal.map((p): [string, QualifierKind] => [p, 'abnormal']),
          ...normal.map((p): [string, QualifierKind] => [p, 'normal']),
        ]),
      );
    }
    this.entities = new PhraseMatcher(entityEntries);
    const t = this.rules.triggers;
    // Insertion order is the tie-break between equal phrases: pseudo-triggers first.
    const order: TriggerKind[] = ['pseudo', 'uncertainAfter', 'uncertainBefore', 'negationAfter', 'negationBefore', 'termination'];
    this.triggers = new PhraseMatcher(order.flatMap((kind) => t[kind].map((p): [string, TriggerKind] => [p, kind])));
    this.breaks = new PhraseMatcher(this.rules.segmentBreaks.map((p): [string, true] => [p, true]));
    const d = this.rules.descriptors;
    this.descriptors = {
      severity: new PhraseMatcher(Object.entries(d.severity)),
      laterality: new PhraseMatcher(Object.entries(d.laterality)),
      location: new PhraseMatcher(Object.entries(d.location)),
      change: new PhraseMatcher(Object.entries(d.change)),
    };
  }

  /** Distils one report's text (findings and impression) into canonical entity findings. */
  distill(text: string): Distillation {
    const mentions = splitSentences(text).flatMap((s) => this.sentenceFindings(tokenize(s)));
    return canonicalDistillation(mergeFindings(mentions), this.lexicon);
  }

  private sentenceFindings(tokens: Token[]): EntityFinding[] {
    const triggers = this.triggers.findAll(tokens);
    const segment = this.segmentIds(tokens, triggers);
    const raw = this.entities.findAll(tokens);
    const mentions: Mention[] = [];
    raw.forEach((m, k) => {
      if (m.value.kind === 'adjective') {
        // "calcified granuloma": the adjective describes the next entity; it is no finding of its own.
        const next = raw[k + 1];
        if (next && next.start - m.end <= 1) return;
        mentions.push({ ...m, anchors: [m.start] });
      } else if (m.value.kind === 'subject') {
        const q = this.qualifierFor(m, tokens, segment, raw);
        if (!q) return;
        if (q.value === 'normal') mentions.push({ ...m, anchors: [m.start], fixedStatus: 'absent' });
        else mentions.push({ ...m, anchors: [m.start, q.start] });
      } else mentions.push({ ...m, anchors: [m.start] });
    });
    for (const m of mentions) {
      m.finding = {
        entity: m.value.entity,
        status: m.fixedStatus ?? this.statusAt(m, triggers, tokens.length),
        severity: null,
        laterality: null,
        location: null,
        change: null,
      };
    }
    for (const kind of DESCRIPTOR_KINDS) {
      for (const d of this.descriptors[kind].findAll(tokens)) {
        const target = attachTarget(d, mentions, segment);
        if (!target?.finding) continue;
        const f = target.finding;
        if (kind === 'laterality') f.laterality = mergeLaterality(f.laterality, d.value as Laterality);
        else if (f[kind] === null) f[kind] = d.value;
      }
    }
    return mentions.map((m) => m.finding!);
  }

  /** Segment (sub-clause) id per token: punctuation, "and", "with", terminations start a new one. */
  private segmentIds(tokens: Token[], triggers: PhraseMatch<TriggerKind>[]): number[] {
    const ids: number[] = [];
    const breakAt = new Set<number>();
    for (const b of this.breaks.findAll(tokens)) breakAt.add(b.start);
    for (const t of triggers) if (t.value === 'termination') breakAt.add(t.start);
    let id = 0;
    tokens.forEach((tok, i) => {
      if (PUNCT_BREAKS.has(tok.text) || breakAt.has(i)) id += 1;
      ids.push(id);
    });
    return ids;
  }

  /**
   * The qualifier deciding an anatomy mention: the first abnormal (else normal) qualifier of its
   * segment; for coordinated subjects ("heart size and mediastinal contour are normal") the next
   * segment's qualifier when that segment opens with another entity word.
   */
  private qualifierFor(m: PhraseMatch<{ entity: string }>, tokens: Token[], segment: number[], raw: PhraseMatch<unknown>[]) {
    const matcher = this.qualifiers.get(m.value.entity)!;
    const all = matcher.findAll(tokens).filter((q) => q.end <= m.start || q.start >= m.end);
    const pick = (seg: number) => {
      const inSeg = all.filter((q) => segment[q.start] === seg);
      return inSeg.find((q) => q.value === 'abnormal') ?? inSeg[0];
    };
    const own = pick(segment[m.start]);
    if (own) return own;
    const nextSeg = segment[m.start] + 1;
    const joinedByAnd = tokens.some((t, i) => segment[i] === nextSeg && i > 0 && segment[i - 1] !== nextSeg && t.text === 'and');
    if (!joinedByAnd) return undefined;
    const q = pick(nextSeg);
    const firstEntity = raw.find((r) => segment[r.start] === nextSeg);
    return q && firstEntity && firstEntity.start < q.start ? q : undefined;
  }

  /** Status from the nearest negation/uncertainty trigger whose scope covers one of the anchors. */
  private statusAt(m: Mention, triggers: PhraseMatch<TriggerKind>[], length: number): EntityStatus {
    const terminations = triggers.filter((t) => t.value === 'termination').map((t) => t.start);
    const blocked = (from: number, to: number) => terminations.some((p) => p >= from && p < to);
    let best: { distance: number; status: EntityStatus } | undefined;
    for (const anchor of m.anchors) {
      for (const t of triggers) {
        let distance = Infinity;
        if ((t.value === 'negationBefore' || t.value === 'uncertainBefore') && t.end <= anchor && !blocked(t.end, anchor)) {
          distance = anchor - t.end;
        } else if ((t.value === 'negationAfter' || t.value === 'uncertainAfter') && t.start > anchor) {
          distance = t.start - (anchor + 1);
          if (distance > this.window || blocked(anchor, t.start)) distance = Infinity;
        }
        if (distance === Infinity || distance > length) continue;
        const status: EntityStatus = t.value.startsWith('negation') ? 'absent' : 'uncertain';
        if (!best || distance < best.distance) best = { distance, status };
      }
    }
    return best?.status ?? 'present';
  }
}

/** The mention a descriptor belongs to: nearest following in its segment, else nearest preceding, else the only one. */
function attachTarget(d: PhraseMatch<string>, mentions: Mention[], segment: number[]): Mention | undefined {
  const seg = segment[d.start];
  const inSeg = mentions.filter((m) => segment[m.start] === seg && (m.end <= d.start || m.start >= d.end));
  const after = inSeg.filter((m) => m.start >= d.end).sort((a, b) => a.start - b.start)[0];
  if (after) return after;
  const before = inSeg.filter((m) => m.end <= d.start).sort((a, b) => b.end - a.end)[0];
  if (before) return before;
  return mentions.length === 1 && (mentions[0].end <= d.start || mentions[0].start >= d.end) ? mentions[0] : undefined;
}

function mergeLaterality(a: Laterality | null, b: Laterality): Laterality {
  if (a === null || a === b) return b;
  return 'bilateral';
}

/**
 * Merges per-mention findings into per-entity findings: all positive mentions of an entity
 * (present wins over uncertain) become one finding with united laterality and the first stated
 * severity/location/change; an absent mention survives only when no positive mention exists or
 * it names a side the positive one does not cover ("right effusion; no left effusion").
 */
export function mergeFindings(mentions: readonly EntityFinding[]): EntityFinding[] {
  const byEntity = new Map<string, EntityFinding[]>();
  for (const m of mentions) byEntity.set(m.entity, [...(byEntity.get(m.entity) ?? []), m]);
  const out: EntityFinding[] = [];
  for (const [entity, list] of byEntity) {
    const positives = list.filter((m) => m.status !== 'absent');
    const status: EntityStatus | null = positives.some((m) => m.status === 'present') ? 'present' : positives.length ? 'uncertain' : null;
    let positive: EntityFinding | undefined;
    if (status) {
      positive = { entity, status, severity: null, laterality: null, location: null, change: null };
      for (const m of positives.filter((p) => p.status === status)) {
        if (m.laterality) positive.laterality = mergeLaterality(positive.laterality, m.laterality);
        positive.severity ??= m.severity;
        positive.location ??= m.location;
        positive.change ??= m.change;
      }
      out.push(positive);
    }
    const absents = list.filter((m) => m.status === 'absent');
    if (!positive) {
      const merged: EntityFinding = { entity, status: 'absent', severity: null, laterality: null, location: null, change: null };
      // An unqualified "no X" covers every side; only keep a side when every negation names the same one.
      const sides = new Set(absents.map((a) => a.laterality));
      if (sides.size === 1) merged.laterality = absents[0].laterality;
      merged.location = absents.every((a) => a.location === absents[0].location) ? absents[0].location : null;
      out.push(merged);
    } else {
      for (const a of absents) {
        if (a.laterality && positive.laterality && positive.laterality !== 'bilateral' && a.laterality !== positive.laterality) {
          out.push({ ...a, severity: null, change: null });
        }
      }
    }
  }
  return out;
}
