import { type EntityLexicon, chestXrayEntities, pluralForms, splitSentences } from '@ecamp/io';
import { type RuleData, defaultRuleData } from './rule-data.js';
import { canonicalDistillation, type Distillation, type EntityFinding, type EntityStatus, type Laterality } from './schema.js';
import { PhraseMatcher, type PhraseMatch, type Token, tokenize } from './text.js';

/** Options of {@link RuleDistiller}. */
export interface RuleDistillerOptions {
  /** Entities to report (default: the authors' 44). Entities without rule data match their own name and plurals. */
  lexicon?: EntityLexicon;
  /** Surface forms, triggers and descriptor vocabularies (default: `data/rules.json`). */
  rules?: RuleData;
  /** How many tokens after a finding a post-trigger ("… is not seen") may stand (NegEx uses about 5). */
  postTriggerWindow?: number;
}

/** Work counters of the last {@link RuleDistiller.distill} call (tests use them to check linear time). */
export interface DistillWork {
  sentences: number;
  tokens: number;
  mentions: number;
  /** Inner-loop steps of the passes over tokens and matches; grows linearly with the text. */
  steps: number;
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

/** A qualifier phrase: its kind in general, and per entity where that entity's list differs. */
interface QualifierValue {
  generic?: QualifierKind;
  perEntity: Map<string, QualifierKind>;
}

type Qualifier = { start: number; end: number; value: QualifierKind; beside?: true };

const PUNCT_BREAKS = new Set([',', ';', ':', '(', ')']);
const DESCRIPTOR_KINDS: DescriptorKind[] = ['severity', 'laterality', 'location', 'change'];
/** Words that may stand between two entity words of one noun phrase besides descriptors. */
const NOUN_PHRASE_GLUE = new Set(['and', 'or', 'xxxx', 'lung', 'lungs', 'the']);
/** Anatomy nouns and adjectives that may stand inside a finding's noun phrase ("hilar lymph nodes"). */
const ANATOMY_GLUE = new Set(['lymph', 'node', 'nodes', 'mediastinal', 'paratracheal', 'region', 'area', 'chest', 'pulmonary']);

/**
 * Offline, rule-based distiller: produces the same {@link Distillation} JSON as the LLM path
 * without any model. Per sentence (every pass is linear in the sentence's tokens) it
 * 1. finds lexicon entities by whole-word surface forms (longest phrase first, plurals included);
 *    anatomy words ("aorta", "heart size", "hemidiaphragm") count only with a qualifier in their
 *    clause: abnormal ("tortuous", "enlarged", "elevated") → present, normal only → absent.
 *    Adjectives ("calcified") are findings of their own unless the entity they modify absorbs them
 *    ("calcified granuloma"); `excludedWith` words drop a mention ("atherosclerotic calcification");
 * 2. decides absent/uncertain with NegEx-style triggers: pre-triggers ("no", "without",
 *    "possible") reach to the sentence end, a termination term ("but", "however", "which") or a
 *    new clause (a break followed by a clause opener: "no effusion, the heart is enlarged");
 *    post-triggers ("… is not seen", "… has resolved") reach back a few tokens; the nearest
 *    trigger wins, except that a negation governing a hedge in its clause ("no opacity to suggest
 *    pneumonia") keeps the finding absent; pseudo-triggers ("no change in", "without interval
 *    worsening of") govern the change, not the finding, and are skipped;
 * 3. attaches severity/size, laterality, location and change words of the same clause to the
 *    nearest entity (the one they precede, else the one they follow); entity words of one noun
 *    phrase share side and place ("calcified left hilar nodes"); a finding still without a side
 *    takes the sentence's side when the sentence names exactly one ("opacity at the left base,
 *    scarring or atelectasis");
 * then merges mentions per entity (left + right → bilateral) into canonical order.
 */
export class RuleDistiller {
  readonly lexicon: EntityLexicon;
  private readonly rules: RuleData;
  private readonly window: number;
  private readonly entities: PhraseMatcher<{ entity: string; kind: MentionKind }>;
  private readonly triggers: PhraseMatcher<TriggerKind>;
  private readonly breaks: PhraseMatcher<true>;
  private readonly openers: PhraseMatcher<true>;
  private readonly qualifiers: PhraseMatcher<QualifierValue>;
  private readonly descriptors: Record<DescriptorKind, PhraseMatcher<string>>;
  private readonly excluders: PhraseMatcher<string[]>;
  private readonly descriptorWords = new Set<string>();
  private readonly unsided = new Set<string>();
  private readonly absorbers = new Map<string, Set<string> | 'forms'>();
  private readonly specificAbnormal = new Set<string>();
  private work: DistillWork = { sentences: 0, tokens: 0, mentions: 0, steps: 0 };

  constructor(options: RuleDistillerOptions = {}) {
    this.lexicon = options.lexicon ?? chestXrayEntities();
    this.rules = options.rules ?? defaultRuleData();
    this.window = options.postTriggerWindow ?? 6;
    const entityEntries: [string, { entity: string; kind: MentionKind }][] = [];
    const qualifierTable = new Map<string, QualifierValue>();
    const qualifierOf = (phrase: string) => {
      let v = qualifierTable.get(phrase);
      if (!v) qualifierTable.set(phrase, (v = { perEntity: new Map() }));
      return v;
    };
    for (const p of this.rules.qualifiers.abnormal) qualifierOf(p).generic = 'abnormal';
    for (const p of this.rules.qualifiers.normal) qualifierOf(p).generic ??= 'normal';
    const excluders = new Map<string, string[]>();
    for (const entity of this.lexicon.entities) {
      const r = this.rules.entities[entity] ?? { forms: [entity] };
      for (const form of r.forms ?? []) for (const f of [form, ...pluralForms(form)]) entityEntries.push([f, { entity, kind: 'form' }]);
      for (const adj of r.adjectives ?? []) entityEntries.push([adj, { entity, kind: 'adjective' }]);
      for (const subj of r.qualified?.subjects ?? []) {
        for (const f of [subj, ...pluralForms(subj)]) entityEntries.push([f, { entity, kind: 'subject' }]);
      }
      if (r.unsided) this.unsided.add(entity);
      this.absorbers.set(entity, r.absorbedBy ? new Set(r.absorbedBy) : 'forms');
      for (const w of r.excludedWith ?? []) excluders.set(w, [...(excluders.get(w) ?? []), entity]);
      if (r.qualified?.abnormal) {
        // Entity-specific qualifiers replace the generic abnormal list for that entity.
        this.specificAbnormal.add(entity);
        for (const p of this.rules.qualifiers.abnormal) qualifierOf(p).perEntity.set(entity, 'none' as QualifierKind);
        for (const p of r.qualified.abnormal) qualifierOf(p).perEntity.set(entity, 'abnormal');
        for (const p of this.rules.qualifiers.normal) if (qualifierOf(p).perEntity.get(entity) !== 'abnormal') qualifierOf(p).perEntity.set(entity, 'normal');
      }
      for (const p of r.qualified?.normal ?? []) if (qualifierOf(p).perEntity.get(entity) !== 'abnormal') qualifierOf(p).perEntity.set(entity, 'normal');
    }
    this.entities = new PhraseMatcher(entityEntries);
    this.qualifiers = new PhraseMatcher(qualifierTable);
    this.excluders = new PhraseMatcher(excluders);
    const t = this.rules.triggers;
    // Insertion order is the tie-break between equal phrases: pseudo-triggers first.
    const order: TriggerKind[] = ['pseudo', 'uncertainAfter', 'uncertainBefore', 'negationAfter', 'negationBefore', 'termination'];
    this.triggers = new PhraseMatcher(order.flatMap((kind) => t[kind].map((p): [string, TriggerKind] => [p, kind])));
    this.breaks = new PhraseMatcher(this.rules.segmentBreaks.map((p): [string, true] => [p, true]));
    this.openers = new PhraseMatcher((this.rules.clauseOpeners ?? []).map((p): [string, true] => [p, true]));
    const d = this.rules.descriptors;
    this.descriptors = {
      severity: new PhraseMatcher(Object.entries(d.severity)),
      laterality: new PhraseMatcher(Object.entries(d.laterality)),
      location: new PhraseMatcher(Object.entries(d.location)),
      change: new PhraseMatcher(Object.entries(d.change)),
    };
    for (const kind of DESCRIPTOR_KINDS) for (const phrase of Object.keys(d[kind])) for (const w of tokenize(phrase)) this.descriptorWords.add(w.text);
  }

  /** Counters of the last `distill` call: sentences, tokens, mentions and pass steps. */
  lastWork(): DistillWork {
    return { ...this.work };
  }

  /** Distils one report's text (findings and impression) into canonical entity findings. */
  distill(text: string): Distillation {
    this.work = { sentences: 0, tokens: 0, mentions: 0, steps: 0 };
    const mentions: EntityFinding[] = [];
    for (const s of splitSentences(text)) {
      const tokens = joinAndOr(tokenize(s));
      this.work.sentences += 1;
      this.work.tokens += tokens.length;
      for (const piece of clausePieces(tokens)) for (const f of this.sentenceFindings(piece)) mentions.push(f);
    }
    this.work.mentions = mentions.length;
    return canonicalDistillation(mergeFindings(mentions), this.lexicon);
  }

  private sentenceFindings(tokens: Token[]): EntityFinding[] {
    const n = tokens.length;
    this.work.steps += n;
    const triggers = this.triggers.findAll(tokens);
    const segment = this.segmentIds(tokens, triggers);
    const excluded = new Set(this.excluders.findAll(tokens).flatMap((m) => m.value));
    const raw = this.entities.findAll(tokens).filter((m) => !excluded.has(m.value.entity));
    this.work.steps += triggers.length + raw.length;
    const qualifiers = raw.some((m) => m.value.kind === 'subject') ? this.qualifierIndex(tokens, segment, raw) : undefined;
    const mentions: Mention[] = [];
    raw.forEach((m, k) => {
      if (m.value.kind === 'adjective') {
        if (this.absorbedByNext(m, raw[k + 1], tokens)) return;
        mentions.push({ ...m, anchors: [m.start] });
      } else if (m.value.kind === 'subject') {
        const q = this.qualifierFor(m, k, raw, tokens, segment, qualifiers!);
        if (!q) return;
        if (q.value === 'normal') mentions.push({ ...m, anchors: [m.start], fixedStatus: 'absent' });
        else {
          // Entity-specific qualifiers ("enlarged" heart → cardiomegaly) are the entity itself, not an attribute.
          const generic = !this.specificAbnormal.has(m.value.entity);
          const attribute =
            generic && !q.beside
              ? tokens
                  .slice(q.start, q.end)
                  .map((t) => t.text)
                  .join(' ')
              : undefined;
          mentions.push({ ...m, anchors: [m.start, q.start], attribute });
          const said = tokens
            .slice(q.start, q.end)
            .map((t) => t.text)
            .join(' ');
          for (const [other, when] of Object.entries(this.rules.entities[m.value.entity]?.implies ?? {})) {
            if (!q.beside && when.includes(said) && this.lexicon.entities.includes(other)) {
              mentions.push({ ...m, value: { entity: other, kind: 'form' }, anchors: [m.start, q.start] });
            }
          }
        }
      } else mentions.push({ ...m, anchors: [m.start] });
    });
    if (mentions.length === 0) return [];
    const status = this.statusSweep(tokens, triggers, segment);
    for (const m of mentions) {
      m.finding = {
        entity: m.value.entity,
        status: m.fixedStatus ?? status(m.anchors),
        severity: null,
        laterality: null,
        location: null,
        change: null,
      };
    }
    const sides = new Set<Laterality>();
    for (const kind of DESCRIPTOR_KINDS) {
      const eligible = kind === 'laterality' ? mentions.filter((m) => !this.unsided.has(m.value.entity)) : mentions;
      for (const d of this.descriptors[kind].findAll(tokens)) {
        this.work.steps += 1;
        if (kind === 'laterality') sides.add(d.value as Laterality);
        const target = attachTarget(d, eligible, segment);
        if (!target?.finding) continue;
        const f = target.finding;
        if (kind === 'laterality') f.laterality = mergeLaterality(f.laterality, d.value as Laterality);
        else if (f[kind] === null) f[kind] = d.value;
      }
    }
    for (const m of mentions) {
      if (m.attribute) m.finding!.severity = m.finding!.severity ? `${m.finding!.severity} ${m.attribute}` : m.attribute;
    }
    this.shareWithinNounPhrase(mentions, tokens);
    if (sides.size === 1) {
      // One side named in the sentence: findings that got none stand on that side too.
      const [side] = sides;
      for (const m of mentions) {
        const f = m.finding!;
        if (f.laterality === null && f.status !== 'absent' && !this.unsided.has(f.entity)) f.laterality = side;
      }
    }
    mergeSidesOfSentence(mentions.map((m) => m.finding!));
    return mentions.map((m) => m.finding!);
  }

  /** Words that may stand inside one noun phrase between an anatomy word and its finding. */
  private nounPhraseWord(w: string): boolean {
    return NOUN_PHRASE_GLUE.has(w) || this.descriptorWords.has(w) || ANATOMY_GLUE.has(w);
  }

  /** Whether an adjective ("calcified") modifies the next entity word and that entity absorbs it. */
  private absorbedByNext(adj: PhraseMatch<{ entity: string }>, next: PhraseMatch<{ entity: string; kind: MentionKind }> | undefined, tokens: Token[]): boolean {
    if (!next || next.value.kind !== 'form') return false;
    // Only descriptor words ("calcified left lower lobe granuloma") may stand between them.
    for (let i = adj.end; i < next.start; i++) {
      this.work.steps += 1;
      const w = tokens[i].text;
      if (!this.descriptorWords.has(w) && w !== 'xxxx' && !/^\d/.test(w) && w !== 'mm' && w !== 'cm') return false;
    }
    const absorbers = this.absorbers.get(adj.value.entity);
    if (absorbers === 'forms') return next.start - adj.end <= 1;
    return Boolean(absorbers?.has(next.value.entity));
  }

  /** Segment (sub-clause) id per token: punctuation, "and", "with", terminations start a new one. */
  private segmentIds(tokens: Token[], triggers: PhraseMatch<TriggerKind>[]): Int32Array {
    const ids = new Int32Array(tokens.length);
    const breakAt = new Uint8Array(tokens.length);
    for (const b of this.breaks.findAll(tokens)) breakAt[b.start] = 1;
    for (const t of triggers) if (t.value === 'termination') breakAt[t.start] = 1;
    let id = 0;
    for (let i = 0; i < tokens.length; i++) {
      if (breakAt[i] || PUNCT_BREAKS.has(tokens[i].text)) id += 1;
      ids[i] = id;
    }
    return ids;
  }

  /**
   * Qualifiers of a sentence grouped by segment, with lazily cached picks per (segment, entity):
   * the first abnormal qualifier of the segment, else its first normal one.
   */
  private qualifierIndex(tokens: Token[], segment: Int32Array, raw: PhraseMatch<unknown>[]) {
    /** First token of each segment, and index of the first entity mention in each segment. */
    const segmentStart = new Map<number, number>();
    segment.forEach((seg, i) => {
      if (!segmentStart.has(seg)) segmentStart.set(seg, i);
    });
    const firstMention = new Map<number, number>();
    raw.forEach((r, k) => {
      if (!firstMention.has(segment[r.start])) firstMention.set(segment[r.start], k);
    });
    this.work.steps += tokens.length + raw.length;
    const bySegment = new Map<number, PhraseMatch<QualifierValue>[]>();
    for (const q of this.qualifiers.findAll(tokens)) {
      this.work.steps += 1;
      const list = bySegment.get(segment[q.start]) ?? [];
      list.push(q);
      bySegment.set(segment[q.start], list);
    }
    const cache = new Map<string, PhraseMatch<QualifierValue>[]>();
    /** The candidates of one segment for one entity, abnormal ones first, each in text order. */
    const candidates = (seg: number, entity: string) => {
      const key = `${seg}\u0000${entity}`;
      let list = cache.get(key);
      if (!list) {
        const all = (bySegment.get(seg) ?? []).filter((q) => kindFor(q.value, entity));
        this.work.steps += all.length + 1;
        list = [...all.filter((q) => kindFor(q.value, entity) === 'abnormal'), ...all.filter((q) => kindFor(q.value, entity) === 'normal')];
        cache.set(key, list);
      }
      return list;
    };
    return { candidates, segmentStart, firstMention };
  }

  /**
   * The qualifier deciding an anatomy mention: the first abnormal (else normal) qualifier of its
   * segment; a finding right beside it ("aortic calcification", "hilar mass") makes it abnormal;
   * for coordinated subjects ("heart size and mediastinal contour are normal") the next
   * segment's qualifier when that segment opens with another entity word.
   */
  private qualifierFor(
    m: PhraseMatch<{ entity: string; kind: MentionKind }>,
    k: number,
    raw: PhraseMatch<{ entity: string; kind: MentionKind }>[],
    tokens: Token[],
    segment: Int32Array,
    index: ReturnType<RuleDistiller['qualifierIndex']>,
  ): Qualifier | undefined {
    const entity = m.value.entity;
    const pick = (seg: number): Qualifier | undefined => {
      for (const q of index.candidates(seg, entity)) {
        this.work.steps += 1;
        if (q.end <= m.start || q.start >= m.end) return { start: q.start, end: q.end, value: kindFor(q.value, entity)! };
      }
      return undefined;
    };
    const own = pick(segment[m.start]);
    if (own) return own;
    // A finding right beside the anatomy word ("aortic calcification", "hilar mass",
    // "calcifications of the aortic arch") is located in it: the anatomy is abnormal there.
    const isBeside = (r: PhraseMatch<{ kind: MentionKind }> | undefined) => {
      if (r === undefined || r.value.kind === 'subject') return false;
      if (segment[r.start] === segment[m.start] && ((r.start >= m.end && r.start - m.end <= 2) || (r.end <= m.start && m.start - r.end <= 3))) return true;
      // One noun phrase across "and" ("calcified mediastinal and hilar lymph nodes", "right hilar and basilar calcifications").
      const [from, to] = r.start >= m.end ? [m.end, r.start] : [r.end, m.start];
      if (to - from > 6) return false;
      for (let i = from; i < to; i++) if (!this.nounPhraseWord(tokens[i].text)) return false;
      return true;
    };
    const beside = [raw[k + 1], raw[k - 1], raw[k + 2], raw[k - 2]].find(isBeside);
    if (beside) return { start: beside.start, end: beside.end, value: 'abnormal', beside: true };
    const nextSeg = segment[m.start] + 1;
    // The next segment must open with "and" ("heart size and mediastinal contour are normal").
    const open = index.segmentStart.get(nextSeg);
    if (open === undefined || tokens[open].text !== 'and') return undefined;
    const q = pick(nextSeg);
    const first = index.firstMention.get(nextSeg);
    const firstEntity = first === undefined ? undefined : raw[first];
    return q && firstEntity && firstEntity.start < q.start ? q : undefined;
  }

  /**
   * Status of a mention from its anchors, computed from two sweeps over the sentence: the nearest
   * unblocked pre-trigger before each token and the nearest post-trigger after it (within the
   * window). A negation that governs a hedge of its own segment ("no opacity to suggest
   * pneumonia") wins over that hedge.
   */
  private statusSweep(tokens: Token[], triggers: PhraseMatch<TriggerKind>[], segment: Int32Array): (anchors: number[]) => EntityStatus {
    const n = tokens.length;
    const clauseStart = new Set<number>();
    for (const o of this.openers.findAll(tokens)) {
      if (o.start > 0 && (segment[o.start] !== segment[o.start - 1] || PUNCT_BREAKS.has(tokens[o.start - 1].text))) clauseStart.add(o.start);
    }
    // Forward: the last negation and hedge pre-triggers ending at or before each token.
    const neg = new Int32Array(n).fill(-1);
    const unc = new Int32Array(n).fill(-1);
    const termAt = new Uint8Array(n);
    for (const t of triggers) if (t.value === 'termination') termAt[t.start] = 1;
    const endingAt: (PhraseMatch<TriggerKind> | undefined)[] = new Array(n + 1);
    for (const t of triggers) if (t.value === 'negationBefore' || t.value === 'uncertainBefore') endingAt[t.end] = t;
    const startOf = new Map<number, PhraseMatch<TriggerKind>>();
    let lastNeg = -1;
    let lastUnc = -1;
    for (let i = 0; i < n; i++) {
      this.work.steps += 1;
      if (termAt[i] || clauseStart.has(i)) lastNeg = lastUnc = -1;
      const t = endingAt[i];
      if (t) {
        startOf.set(t.end, t);
        if (t.value === 'negationBefore') lastNeg = t.end;
        else lastUnc = t.end;
      }
      neg[i] = lastNeg;
      unc[i] = lastUnc;
    }
    // Backward: the nearest post-trigger starting after each token, not across a termination.
    const post = new Int32Array(n).fill(-1);
    const postKind = new Map<number, TriggerKind>();
    const startingAt: (PhraseMatch<TriggerKind> | undefined)[] = new Array(n);
    for (const t of triggers) if (t.value === 'negationAfter' || t.value === 'uncertainAfter') startingAt[t.start] = t;
    let next = -1;
    for (let i = n - 1; i >= 0; i--) {
      this.work.steps += 1;
      if (termAt[i]) next = -1;
      post[i] = next;
      const t = startingAt[i];
      if (t) {
        next = i;
        postKind.set(i, t.value);
      }
    }
    return (anchors) => {
      let best: { distance: number; status: EntityStatus } | undefined;
      const offer = (distance: number, status: EntityStatus) => {
        if (!best || distance < best.distance) best = { distance, status };
      };
      for (const a of anchors) {
        const ne = neg[a];
        const ue = unc[a];
        if (ne >= 0 && ue >= 0 && ne < ue && segment[startOf.get(ne)!.start] === segment[startOf.get(ue)!.start]) offer(a - ne, 'absent');
        else {
          if (ne >= 0) offer(a - ne, 'absent');
          if (ue >= 0) offer(a - ue, 'uncertain');
        }
        const p = post[a];
        if (p >= 0 && p - (a + 1) <= this.window) offer(p - (a + 1), postKind.get(p) === 'negationAfter' ? 'absent' : 'uncertain');
      }
      return best?.status ?? 'present';
    };
  }

  /**
   * Entity words of one noun phrase share their place: adjacent entity words ("right hilar
   * nodules", "calcified left hilar nodes") and entities joined by "and"/"or" ("atelectasis or
   * infiltrate in the right base") fill a missing side and location from each other. Only
   * descriptor words and a few function words may stand between them.
   */
  private shareWithinNounPhrase(mentions: Mention[], tokens: Token[]): void {
    for (let k = 1; k < mentions.length; k++) {
      const prev = mentions[k - 1];
      const cur = mentions[k];
      let glued = true;
      for (let i = prev.end; i < cur.start && glued; i++) {
        this.work.steps += 1;
        const w = tokens[i].text;
        glued = NOUN_PHRASE_GLUE.has(w) || this.descriptorWords.has(w);
      }
      if (!glued || cur.start - prev.end > 4) continue;
      const a = prev.finding!;
      const b = cur.finding!;
      if (a.status === 'absent' || b.status === 'absent') {
        if (a.status !== b.status) continue;
      }
      const fill = (from: EntityFinding, to: EntityFinding) => {
        if (to.laterality === null && !this.unsided.has(to.entity)) to.laterality = from.laterality;
        to.location ??= from.location;
      };
      if (a.laterality === null || a.location === null) fill(b, a);
      if (b.laterality === null || b.location === null) fill(a, b);
    }
  }
}

function kindFor(v: QualifierValue, entity: string): QualifierKind | undefined {
  const specific = v.perEntity.get(entity);
  if (specific !== undefined) return specific === 'abnormal' || specific === 'normal' ? specific : undefined;
  return v.generic;
}

/** Index of the first mention starting at or after `pos` (mentions are sorted and disjoint). */
function firstAtOrAfter(mentions: Mention[], pos: number): number {
  let lo = 0;
  let hi = mentions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (mentions[mid].start < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The mention a descriptor belongs to: nearest following in its segment, else nearest preceding, else the only one. */
function attachTarget(d: PhraseMatch<string>, mentions: Mention[], segment: Int32Array): Mention | undefined {
  const seg = segment[d.start];
  const k = firstAtOrAfter(mentions, d.end);
  const after = mentions[k];
  if (after && segment[after.start] === seg) return after;
  // The nearest mention ending at or before the descriptor.
  let j = k - 1;
  while (j >= 0 && mentions[j].end > d.start) j -= 1;
  const before = mentions[j];
  if (before && segment[before.start] === seg) return before;
  return mentions.length === 1 && (mentions[0].end <= d.start || mentions[0].start >= d.end) ? mentions[0] : undefined;
}

/**
 * Left and right findings of one entity within one sentence ("opacities in the right base and in
 * the left base") are one bilateral finding, unless their severities tell them apart ("large left
 * and small right effusions").
 */
function mergeSidesOfSentence(findings: EntityFinding[]): void {
  const byEntity = new Map<string, EntityFinding[]>();
  for (const f of findings) {
    if (f.status === 'absent' || (f.laterality !== 'left' && f.laterality !== 'right')) continue;
    const list = byEntity.get(f.entity);
    if (list) list.push(f);
    else byEntity.set(f.entity, [f]);
  }
  for (const list of byEntity.values()) {
    const left = list.filter((f) => f.laterality === 'left');
    const right = list.filter((f) => f.laterality === 'right');
    if (!left.length || !right.length) continue;
    const severities = new Set(list.map((f) => f.severity).filter((s) => s !== null));
    if (severities.size > 1) continue;
    for (const f of list) f.laterality = 'bilateral';
  }
}

/** Longest run of tokens handled as one sentence; a run-on sentence is cut at clause breaks. */
export const MAX_SENTENCE_TOKENS = 400;

/**
 * A sentence longer than {@link MAX_SENTENCE_TOKENS} tokens (a run-on report without full stops)
 * cut into pieces at the first clause break (",", ";", "and") after each limit, or at twice the
 * limit where none comes, so no negation scope or side spans hundreds of words and every pass
 * works on short arrays.
 */
export function clausePieces(tokens: Token[]): Token[][] {
  if (tokens.length <= MAX_SENTENCE_TOKENS) return [tokens];
  const pieces: Token[][] = [];
  let from = 0;
  for (let i = from + MAX_SENTENCE_TOKENS; i < tokens.length; i++) {
    const t = tokens[i].text;
    if (t === ',' || t === ';' || t === 'and' || i - from >= 2 * MAX_SENTENCE_TOKENS) {
      pieces.push(tokens.slice(from, i));
      from = i;
      i = from + MAX_SENTENCE_TOKENS - 1;
    }
  }
  pieces.push(tokens.slice(from));
  return pieces;
}

/** "and/or" reads as "or": one conjunction, not a clause break. */
function joinAndOr(tokens: Token[]): Token[] {
  return tokens.filter((t, i) => !(t.text === 'and' && tokens[i + 1]?.text === 'or'));
}

function mergeLaterality(a: Laterality | null, b: Laterality): Laterality {
  if (a === null || a === b) return b;
  return 'bilateral';
}

/**
 * Merges per-mention findings into per-entity findings. Positive mentions (present wins over
 * uncertain) are grouped by side: mentions naming the same side merge, unsided mentions join the
 * first sided group, so "Large left effusion. Small right effusion." stays two findings while
 * "Left effusion. The effusion is small." becomes one (left and right findings of one sentence
 * were already made bilateral by the distiller). The first stated severity, location and change
 * win. An absent mention survives only when no positive one exists, or when it names a side the
 * positive ones do not cover ("right effusion; no left effusion").
 */
export function mergeFindings(mentions: readonly EntityFinding[]): EntityFinding[] {
  const byEntity = new Map<string, EntityFinding[]>();
  for (const m of mentions) {
    const list = byEntity.get(m.entity);
    if (list) list.push(m);
    else byEntity.set(m.entity, [m]);
  }
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
    const firstSide = chosen.find((m) => m.laterality !== null)?.laterality ?? null;
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
