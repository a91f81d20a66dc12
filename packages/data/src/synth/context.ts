/**
 * A ground-truth entity-centred context for a synthetic report, in the spirit
 * of the authors' `llm_output` column: one short statement per finding with its
 * descriptors. Real data gets this text from @ecamp/distill; the synthetic set
 * ships the truth so the distiller can be scored against it.
 */
import type { FindingSpec } from './prior.js';
import { LABEL_NAMES } from './prior.js';

const ENTITY: Record<string, string> = {
  cardiomegaly: 'cardiomegaly',
  pleural_effusion: 'pleural effusion',
  pneumothorax: 'pneumothorax',
  consolidation: 'consolidation',
  nodule: 'nodule',
  edema: 'pulmonary edema',
  atelectasis: 'atelectasis',
  support_devices: 'support devices',
};

function descriptors(s: FindingSpec): string[] {
  switch (s.label) {
    case 'cardiomegaly':
    case 'edema':
      return [s.severity];
    case 'pleural_effusion':
      return [s.size, s.sides.length === 2 ? 'bilateral' : s.sides[0]];
    case 'pneumothorax':
      return [s.size, s.side, 'apical'];
    case 'consolidation':
      return [s.extent, s.lobe];
    case 'nodule':
      return [s.kind === 'mass' ? 'mass' : s.count > 1 ? 'multiple' : 'single'];
    case 'atelectasis':
      return [s.kind, s.sides.length === 2 ? 'bibasilar' : `${s.sides[0]} basilar`];
    case 'support_devices':
      return s.devices.slice();
  }
}

/** Renders `Entity: present, d1, d2. Other: absent.` for every label, present ones first. */
export function groundTruthContext(specs: FindingSpec[]): string {
  const present = specs.map((s) => `${ENTITY[s.label]}: present, ${descriptors(s).join(', ')}.`);
  const absent = LABEL_NAMES.filter((l) => l !== 'support_devices' && !specs.some((s) => s.label === l)).map((l) => `${ENTITY[l]}: absent.`);
  return [...present, ...absent].join(' ');
}
