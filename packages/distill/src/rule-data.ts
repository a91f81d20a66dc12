import { z } from 'zod';
import { readJsonFile } from '@ecamp/io';
import { packageDataPath } from './data-file.js';

const phraseList = z.array(z.string().min(1));
const phraseMap = z.record(z.string().min(1), z.string().min(1));

const entityRulesSchema = z.object({
  /** Surface forms that mention the entity by themselves (plurals are added automatically). */
  forms: phraseList.optional(),
  /** Adjectival forms ("calcified"): a mention only when they do not modify another entity word right after. */
  adjectives: phraseList.optional(),
  /**
   * Entities that absorb this entity's adjective when it modifies them ("calcified granuloma" is a
   * granuloma, not also a calcification). Default: any entity with its own surface form. An empty
   * list keeps the adjective a finding of its own ("calcified nodule" → calcification and nodule).
   */
  absorbedBy: phraseList.optional(),
  /**
   * Words that, anywhere in the sentence, make a mention name another condition ("atherosclerotic
   * calcification" is atherosclerosis of the vessel, read as the anatomy entity, not as calcification).
   */
  excludedWith: phraseList.optional(),
  /**
   * Other entities that an abnormal anatomy word also names, with the qualifiers that do so
   * ("increased"/"prominent" vasculature is also congestion): `{ "congestion": ["increased", …] }`.
   */
  implies: z.record(z.string().min(1), phraseList).optional(),
  /** The entity never takes a side (cardiomegaly, aorta, …): side words go to other entities. */
  unsided: z.boolean().optional(),
  /** Anatomy words that mention the entity only together with a qualifier in their clause. */
  qualified: z.object({ subjects: phraseList, abnormal: phraseList.optional(), normal: phraseList.optional() }).optional(),
});

/** zod schema of the rule-based distiller's data file (`data/rules.json`). */
export const ruleDataSchema = z.object({
  description: z.string().optional(),
  entities: z.record(z.string().min(1), entityRulesSchema),
  qualifiers: z.object({ abnormal: phraseList, normal: phraseList }),
  triggers: z.object({
    negationBefore: phraseList,
    negationAfter: phraseList,
    uncertainBefore: phraseList,
    uncertainAfter: phraseList,
    pseudo: phraseList,
    termination: phraseList,
  }),
  /**
   * Words that open a new clause after a list ("no effusion, the heart is enlarged"): a
   * pre-trigger's scope ends at a segment break followed by one of them.
   */
  clauseOpeners: phraseList.optional(),
  segmentBreaks: phraseList,
  descriptors: z.object({ severity: phraseMap, laterality: phraseMap, location: phraseMap, change: phraseMap }),
});

/** Rule data for the offline distiller: surface forms, NegEx-style triggers, descriptor vocabularies. */
export type RuleData = z.infer<typeof ruleDataSchema>;
/** Per-entity rules inside {@link RuleData}. */
export type EntityRules = z.infer<typeof entityRulesSchema>;

/** Validates parsed JSON as rule data; errors name `source` and the offending field. */
export function ruleDataFromJson(json: unknown, source: string): RuleData {
  const parsed = ruleDataSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const lat = Object.entries(parsed.data.descriptors.laterality).find(([, v]) => !['left', 'right', 'bilateral'].includes(v));
  if (lat) throw new Error(`${source}: descriptors.laterality.${lat[0]}: must map to left, right or bilateral, got "${lat[1]}"`);
  return parsed.data;
}

let defaultRules: RuleData | undefined;

/** The shipped chest X-ray rule data (`data/rules.json`). */
export function defaultRuleData(): RuleData {
  if (!defaultRules) defaultRules = ruleDataFromJson(readJsonFile(packageDataPath('rules.json')), 'data/rules.json');
  return defaultRules;
}
