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
  /** The abnormal attribute of an anatomy word ("tortuous" aorta), kept as a descriptor. */
  attribute?: string;
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
    const mentions = splitSentences(text).flatMap((s) => this.sentenceFindings(joinAndOr(tokenize(s))));
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
        // A following anatomy word ("calcified aorta") is where the finding sits, so it stays a finding.
        const next = raw[k + 1];
        if (next && next.value.kind === 'form' && next.start - m.end <= 1) return;
        mentions.push({ ...m, anchors: [m.start] });
      } else if (m.value.kind === 'subject') {
        const q = this.qualifierFor(m, tokens, segment, raw);
        if (!q) return;
        if (q.value === 'normal') mentions.push({ ...m, anchors: [m.start], fixedStatus: 'absent' });
        else {
          // Entity-specific qualifiers ("enlarged" heart → cardiomegaly) are the entity itself, not an attribute.
          const generic = !this.rules.entities[m.value.entity]?.qualified?.abnormal;
          const attribute = generic && !('beside' in q) ? tokens.slice(q.start, q.end).map((t) => t.text).join(' ') : undefined;
          mentions.push({ ...m, anchors: [m.start, q.start], attribute });
        }
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
    for (const m of mentions) {
      if (m.attribute) m.finding!.severity = m.finding!.severity ? `${m.finding!.severity} ${m.attribute}` : m.attribute;
    }
    shareAcrossConjunction(mentions, tokens);
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
    // A finding right beside the anatomy word ("aortic calcification", "hilar mass",
    // "calcifications of the aortic arch") is located in it: the anatomy is abnormal there.
    const beside = raw.find(
      (r) => r !== m && (r.value as { kind: MentionKind }).kind !== 'subject' && segment[r.start] === segment[m.start] && (r.start - m.end <= 2 && r.start >= m.end || m.start - r.end <= 3 && r.end <= m.start),
    );
    if (beside) return { start: beside.start, end: beside.end, value: 'abnormal' as const, beside: true };
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

/** "and/or" reads as "or": one conjunction, not a clause break. */
function joinAndOr(tokens: Token[]): Token[] {
  return tokens.filter((t, i) => !(t.text === 'and' && tokens[i + 1]?.text === 'or'));
}

/**
 * Findings in one noun phrase share their place: adjacent entity words ("right hilar nodules",
 * "aortic calcification") and entities joined by a bare "and"/"or" ("atelectasis or infiltrate
 * in the right base") fill a missing side and location from each other.
 */
function shareAcrossConjunction(mentions: Mention[], tokens: Token[]): void {
  const ordered = [...mentions].sort((a, b) => a.start - b.start);
  for (let k = 1; k < ordered.length; k++) {
    const a = ordered[k - 1].finding!;
    const b = ordered[k].finding!;
    const between = tokens.slice(ordered[k - 1].end, ordered[k].start).map((t) => t.text);
    if (between.length > 1 || (between.length === 1 && between[0] !== 'and' && between[0] !== 'or')) continue;
    if (a.laterality === null && a.location === null) {
      a.laterality = b.laterality;
      a.location = b.location;
    } else if (b.laterality === null && b.location === null) {
      b.laterality = a.laterality;
      b.location = a.location;
    }
  }
}

function mergeLaterality(a: Laterality | null, b: Laterality): Laterality {
  if (a === null || a === b) return b;
  return 'bilateral';
}

/**
 * Merges per-mention findings into per-entity findings. Positive mentions (present wins over
 * uncertain) are grouped by side: mentions naming the same side merge, unsided mentions join the
 * first sided group, so "Large left effusion. Small right effusion." stays two findings while
 * "Left effusion. The effusion is small." becomes one. The first stated severity, location and
 * change win. An absent mention survives only when no positive one exists, or when it names a
 * side the positive ones do not cover ("right effusion; no left effusion").
 */
export function mergeFindings(mentions: readonly EntityFinding[]): EntityFinding[] {
  const byEntity = new Map<string, EntityFinding[]>();
  for (const m of mentions) byEntity.set(m.entity, [...(byEntity.get(m.entity) ?? []), m]);
  const out: EntityFinding[] = [];
  for (const [entity, list] of byEntity) {
    const positives = list.filter((m) => m.status !== 'absent');
    const status: EntityStatus | null = positives.some((m) => m.status === 'present') ? 'present' : positives.length ? 'uncertain' : null;
    const absents = list.filter((m) => m.status === 'absent');
    if (!status) {
      const merged: EntityFinding = { entity, status: 'absent', severity: null, laterality: null, location: null, change: null };
      // An unsided "no X" covers every side; keep a side only when every negation names the same one.
      const sides = new Set(absents.map((a) => a.laterality));
      if (sides.size === 1) merged.laterality = absents[0].laterality;
      merged.location = absents.every((a) => a.location === absents[0].location) ? absents[0].location : null;
      out.push(merged);
      continue;
    }
    const chosen = positives.filter((p) => p.status === status);
    const groups = new Map<Laterality | null, EntityFinding>();
    const sided = chosen.filter((m) => m.laterality !== null);
    const firstSide = sided[0]?.laterality ?? null;
    for (const m of chosen) {
      const side = m.laterality ?? firstSide;
      let g = groups.get(side);
      if (!g) {
        g = { entity, status, severity: null, laterality: side, location: null, change: null };
        groups.set(side, g);
      }
      g.severity ??= m.severity;
      g.location ??= m.location;
      g.change ??= m.change;
    }
    out.push(...groups.values());
    const covered = new Set(groups.keys());
    for (const a of absents) {
      if (a.laterality && a.laterality !== 'bilateral' && !covered.has(a.laterality) && !covered.has('bilateral') && !covered.has(null)) {
        out.push({ ...a, severity: null, change: null });
      }
    }
  }
  return out;
}
