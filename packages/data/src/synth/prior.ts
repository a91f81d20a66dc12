/**
 * The findings of the synthetic chest X-ray set and the prior they are drawn
 * from. The prior is stated here as data so a README, a test or a reviewer can
 * read it; `sampleFindingSpecs` is the only code that draws from it.
 */
import type { Rng } from '@ecamp/io';
import type { Side } from './anatomy.js';

/** Multi-label target names, in column order of every label vector and list file. */
export const LABEL_NAMES = ['cardiomegaly', 'pleural_effusion', 'pneumothorax', 'consolidation', 'nodule', 'edema', 'atelectasis', 'support_devices'] as const;

/** One of {@link LABEL_NAMES}. */
export type LabelName = (typeof LABEL_NAMES)[number];

/** Lobes used to place consolidation. */
export type Lobe = 'right upper lobe' | 'right middle lobe' | 'right lower lobe' | 'left upper lobe' | 'left lower lobe';

/** Radiopaque devices. */
export type Device = 'endotracheal tube' | 'nasogastric tube' | 'central venous catheter' | 'pacemaker';

/** What to render for one finding (before geometry). */
export type FindingSpec =
  | { label: 'cardiomegaly'; severity: 'mild' | 'moderate' | 'severe' }
  | { label: 'pleural_effusion'; sides: Side[]; size: 'small' | 'moderate' | 'large' }
  | { label: 'pneumothorax'; side: Side; size: 'small' | 'moderate' | 'large' }
  | { label: 'consolidation'; lobe: Lobe; extent: 'patchy' | 'focal' | 'dense' }
  | { label: 'nodule'; kind: 'nodule' | 'mass'; count: number }
  | { label: 'edema'; severity: 'mild' | 'moderate' | 'severe' }
  | { label: 'atelectasis'; sides: Side[]; kind: 'plate-like' | 'subsegmental' }
  | { label: 'support_devices'; devices: Device[] };

/**
 * The prior: marginal prevalence of each finding and the distribution of its
 * descriptors. Edema is more likely with cardiomegaly and effusion more likely
 * with either (congestive heart failure pattern).
 */
export const FINDING_PRIOR = {
  cardiomegaly: { p: 0.2, severity: { mild: 0.5, moderate: 0.35, severe: 0.15 } },
  edema: { p: 0.08, pGivenCardiomegaly: 0.35, severity: { mild: 0.45, moderate: 0.35, severe: 0.2 } },
  pleural_effusion: {
    p: 0.18,
    pGivenCardiomegalyOrEdema: 0.45,
    sides: { right: 0.35, left: 0.3, bilateral: 0.35 },
    size: { small: 0.4, moderate: 0.35, large: 0.25 },
  },
  pneumothorax: { p: 0.1, side: { right: 0.5, left: 0.5 }, size: { small: 0.4, moderate: 0.35, large: 0.25 } },
  consolidation: { p: 0.18, extent: { patchy: 0.4, focal: 0.35, dense: 0.25 } },
  nodule: { p: 0.12, pMass: 0.3, countWeights: { 1: 0.75, 2: 0.25 } },
  atelectasis: { p: 0.14, sides: { right: 0.35, left: 0.35, bilateral: 0.3 }, kind: { 'plate-like': 0.5, subsegmental: 0.5 } },
  support_devices: { p: 0.15, devices: { 'endotracheal tube': 0.35, 'nasogastric tube': 0.3, 'central venous catheter': 0.35, pacemaker: 0.2 } },
} as const;

const LOBES: Lobe[] = ['right upper lobe', 'right middle lobe', 'right lower lobe', 'left upper lobe', 'left lower lobe'];

function draw<K extends string>(rng: Rng, dist: Record<K, number>): K {
  const keys = Object.keys(dist) as K[];
  return keys[rng.weighted(keys.map((k) => dist[k]))];
}

function sidesOf(choice: 'right' | 'left' | 'bilateral'): Side[] {
  return choice === 'bilateral' ? ['right', 'left'] : [choice];
}

/** Draws the findings of one image from {@link FINDING_PRIOR}. */
export function sampleFindingSpecs(rng: Rng): FindingSpec[] {
  const P = FINDING_PRIOR;
  const out: FindingSpec[] = [];
  const cardio = rng.bernoulli(P.cardiomegaly.p);
  if (cardio) out.push({ label: 'cardiomegaly', severity: draw(rng, P.cardiomegaly.severity) });
  const edema = rng.bernoulli(cardio ? P.edema.pGivenCardiomegaly : P.edema.p);
  if (edema) out.push({ label: 'edema', severity: draw(rng, P.edema.severity) });
  if (rng.bernoulli(cardio || edema ? P.pleural_effusion.pGivenCardiomegalyOrEdema : P.pleural_effusion.p)) {
    out.push({ label: 'pleural_effusion', sides: sidesOf(draw(rng, P.pleural_effusion.sides)), size: draw(rng, P.pleural_effusion.size) });
  }
  if (rng.bernoulli(P.pneumothorax.p)) {
    out.push({ label: 'pneumothorax', side: draw(rng, P.pneumothorax.side), size: draw(rng, P.pneumothorax.size) });
  }
  if (rng.bernoulli(P.consolidation.p)) out.push({ label: 'consolidation', lobe: rng.pick(LOBES), extent: draw(rng, P.consolidation.extent) });
  if (rng.bernoulli(P.nodule.p)) {
    const mass = rng.bernoulli(P.nodule.pMass);
    out.push({ label: 'nodule', kind: mass ? 'mass' : 'nodule', count: mass ? 1 : rng.bernoulli(P.nodule.countWeights[2]) ? 2 : 1 });
  }
  if (rng.bernoulli(P.atelectasis.p)) {
    out.push({ label: 'atelectasis', sides: sidesOf(draw(rng, P.atelectasis.sides)), kind: draw(rng, P.atelectasis.kind) });
  }
  if (rng.bernoulli(P.support_devices.p)) {
    const devices = (Object.keys(P.support_devices.devices) as Device[]).filter((d) => rng.bernoulli(P.support_devices.devices[d]));
    if (devices.length === 0) devices.push(rng.pick(['endotracheal tube', 'nasogastric tube', 'central venous catheter'] as Device[]));
    out.push({ label: 'support_devices', devices });
  }
  return out;
}
