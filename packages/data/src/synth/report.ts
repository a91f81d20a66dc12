/**
 * Radiology-style report text for a synthetic image: FINDINGS and IMPRESSION,
 * descriptors before entities ("small left pleural effusion"), negations
 * ("there is no …", "there is no evidence of …"), normal statements, and
 * varied phrasing drawn from a seeded generator.
 */
import type { Rng } from '@ecamp/io';
import type { Side } from './anatomy.js';
import type { RenderedFinding } from './findings.js';
import type { FindingSpec, LabelName } from './prior.js';

/** Report sections and the full text (`FINDINGS: … IMPRESSION: …`). */
export interface SynthReport {
  findings: string;
  impression: string;
  /** `FINDINGS: <findings> IMPRESSION: <impression>` on one line. */
  text: string;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const sideWord = (sides: Side[]) => (sides.length === 2 ? 'bilateral' : sides[0]);

function positive(f: RenderedFinding, rng: Rng): { sentence: string; summary: string } {
  const s = f.spec as FindingSpec;
  switch (s.label) {
    case 'cardiomegaly': {
      const adv = { mild: 'mildly', moderate: 'moderately', severe: 'markedly' }[s.severity];
      return {
        sentence: rng.pick([
          `The heart is ${adv} enlarged.`,
          `There is ${s.severity} cardiomegaly.`,
          `The cardiac silhouette is ${adv} enlarged.`,
          `${cap(s.severity)} enlargement of the cardiac silhouette.`,
        ]),
        summary: `${cap(s.severity)} cardiomegaly.`,
      };
    }
    case 'pleural_effusion': {
      const w = sideWord(s.sides);
      const plural = s.sides.length === 2 ? 'effusions' : 'effusion';
      const art = s.sides.length === 2 ? '' : 'a ';
      const extra =
        s.size === 'small'
          ? rng.pick([' with blunting of the costophrenic angle', '', ' blunting the costophrenic angle'])
          : s.size === 'large'
            ? rng.pick([' obscuring the hemidiaphragm', ' with a meniscus', ''])
            : rng.pick([' with a meniscus', '']);
      return {
        sentence: rng.pick([
          `There ${s.sides.length === 2 ? 'are' : 'is'} ${art}${s.size} ${w} pleural ${plural}${extra}.`,
          `${cap(s.size)} ${w} pleural ${plural}${extra}.`,
          `${cap(`${art}${s.size}`)} ${w} pleural ${plural} ${s.sides.length === 2 ? 'are' : 'is'} present${extra}.`,
        ]),
        summary: `${cap(s.size)} ${w} pleural ${plural}.`,
      };
    }
    case 'pneumothorax':
      return {
        sentence: rng.pick([
          `There is a ${s.size} ${s.side} apical pneumothorax.`,
          `${cap(s.size)} ${s.side} pneumothorax with a visible pleural line.`,
          `A ${s.size} ${s.side} pneumothorax is seen.`,
        ]),
        summary: `${cap(s.size)} ${s.side} pneumothorax.`,
      };
    case 'consolidation': {
      const noun = rng.pick(['consolidation', 'opacity', 'airspace opacity']);
      return {
        sentence: rng.pick([
          `There is ${s.extent} ${noun} in the ${s.lobe}.`,
          `${cap(s.extent)} ${s.lobe} ${noun}, concerning for pneumonia.`,
          `${cap(s.extent)} ${noun} is seen in the ${s.lobe}.`,
        ]),
        summary: `${cap(s.extent)} ${s.lobe} ${noun}${rng.bernoulli(0.5) ? ', likely pneumonia' : ''}.`,
      };
    }
    case 'nodule': {
      const mm = Number(f.facts.sizeMm ?? 10);
      const where = String(f.facts.location ?? 'lung');
      const sz = mm >= 10 ? `${(mm / 10).toFixed(1)} cm` : `${mm} mm`;
      if (s.kind === 'mass') {
        return {
          sentence: `There is a ${sz} lobulated mass in the ${where}.`,
          summary: `${cap(sz)} pulmonary mass; further evaluation with CT is recommended.`,
        };
      }
      if (s.count > 1) return { sentence: `There are ${s.count} pulmonary nodules, the largest measuring ${sz}.`, summary: 'Multiple pulmonary nodules.' };
      return {
        sentence: rng.pick([
          `There is a ${sz} nodule in the ${where}.`,
          `A ${sz} pulmonary nodule is noted in the ${where}.`,
          `${cap(sz)} rounded ${where} nodule.`,
        ]),
        summary: `${cap(sz)} pulmonary nodule.`,
      };
    }
    case 'edema':
      return {
        sentence: rng.pick([
          `There is ${s.severity} pulmonary edema.`,
          `${cap(s.severity)} perihilar haziness consistent with pulmonary edema.`,
          `${cap(s.severity)} interstitial edema${s.severity === 'mild' ? '' : ' with Kerley B lines'}.`,
        ]),
        summary: `${cap(s.severity)} pulmonary edema.`,
      };
    case 'atelectasis': {
      const where = s.sides.length === 2 ? 'bibasilar' : `${s.sides[0]} basilar`;
      return {
        sentence: rng.pick([`${cap(where)} ${s.kind} atelectasis.`, `There is ${where} ${s.kind} atelectasis.`]),
        summary: `${cap(where)} atelectasis.`,
      };
    }
    case 'support_devices': {
      const parts = s.devices.map((d) => {
        if (d === 'endotracheal tube') return `An endotracheal tube terminates ${f.facts.ettAboveCarinaCm ?? 4} cm above the carina.`;
        if (d === 'nasogastric tube') return 'A nasogastric tube courses below the diaphragm into the stomach.';
        if (d === 'central venous catheter') return 'A right-sided central venous catheter terminates in the SVC.';
        return 'A left-sided pacemaker is present with a lead in the right ventricle.';
      });
      return { sentence: parts.join(' '), summary: 'Support devices as described.' };
    }
  }
}

const NEGATIONS: Record<Exclude<LabelName, 'support_devices'>, string[]> = {
  cardiomegaly: [
    'The heart size is normal.',
    'Heart size is within normal limits.',
    'The cardiomediastinal silhouette is normal.',
    'Normal cardiomediastinal silhouette.',
  ],
  pleural_effusion: ['There is no pleural effusion.', 'No pleural effusion.', 'There is no evidence of pleural effusion.'],
  pneumothorax: ['There is no pneumothorax.', 'No pneumothorax is seen.', 'There is no evidence of pneumothorax.'],
  consolidation: ['There is no focal consolidation.', 'No focal airspace consolidation.', 'There is no evidence of pneumonia.'],
  nodule: ['There is no suspicious pulmonary nodule.', 'There is no evidence of a pulmonary nodule or mass.'],
  edema: ['There is no pulmonary edema.', 'There is no evidence of pulmonary edema.', 'Pulmonary vasculature is normal.'],
  atelectasis: ['There is no atelectasis.'],
};

/** Mention probability of each absent finding (atelectasis is rarely negated in practice). */
const NEGATION_P: Record<keyof typeof NEGATIONS, number> = {
  cardiomegaly: 0.85,
  pleural_effusion: 0.85,
  pneumothorax: 0.8,
  consolidation: 0.75,
  nodule: 0.35,
  edema: 0.5,
  atelectasis: 0.15,
};

const NORMALS = ['The osseous structures are intact.', 'No acute osseous abnormality.', 'The hila are unremarkable.', 'The mediastinal contours are normal.'];
const NORMAL_IMPRESSIONS = [
  'No acute cardiopulmonary process.',
  'No acute cardiopulmonary abnormality.',
  'Normal chest radiograph.',
  'No acute intrathoracic process.',
];

/** Writes the report for the rendered findings of one image. */
export function writeReport(rendered: RenderedFinding[], rng: Rng): SynthReport {
  const present = new Set(rendered.map((f) => f.spec.label));
  const sentences: string[] = [];
  const summaries: string[] = [];
  // Devices first (radiologists' habit), then the heart, then the lungs and pleura.
  const order: LabelName[] = ['support_devices', 'cardiomegaly', 'consolidation', 'edema', 'nodule', 'atelectasis', 'pleural_effusion', 'pneumothorax'];
  for (const label of order) {
    const f = rendered.find((r) => r.spec.label === label);
    if (f) {
      const p = positive(f, rng);
      sentences.push(p.sentence);
      if (label !== 'support_devices' || rendered.length === 1) summaries.push(p.summary);
      continue;
    }
    if (label === 'support_devices') continue;
    if (label === 'pleural_effusion' && !present.has('pneumothorax') && rng.bernoulli(0.4)) {
      sentences.push(
        rng.pick([
          'There is no pleural effusion or pneumothorax.',
          'No pleural effusion or pneumothorax.',
          'There is no evidence of pleural effusion or pneumothorax.',
        ]),
      );
      present.add('pneumothorax'); // negated together with the effusion: not again below
      continue;
    }
    const lungFindings: LabelName[] = ['consolidation', 'edema', 'nodule', 'atelectasis'];
    if (label === 'consolidation' && lungFindings.every((l) => !present.has(l)) && rng.bernoulli(0.3)) {
      sentences.push(rng.pick(['The lungs are clear.', 'Lungs are clear without focal consolidation.']));
      continue;
    }
    const neg = NEGATIONS[label as keyof typeof NEGATIONS];
    if (!present.has(label) && rng.bernoulli(NEGATION_P[label as keyof typeof NEGATION_P])) sentences.push(rng.pick(neg));
  }
  if (rng.bernoulli(0.5)) sentences.push(rng.pick(NORMALS));
  const findings = sentences.join(' ');
  const impression = summaries.length > 0 ? summaries.join(' ') : rng.pick(NORMAL_IMPRESSIONS);
  return { findings, impression, text: `FINDINGS: ${findings} IMPRESSION: ${impression}` };
}
