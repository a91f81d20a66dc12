import { describe, expect, it } from 'vitest';
import { defaultRenderWording, renderContext, renderWordingFromJson } from './render.js';
import { RuleDistiller } from './rule-distiller.js';
import type { EntityFinding } from './schema.js';

const finding = (p: Partial<EntityFinding> & Pick<EntityFinding, 'entity' | 'status'>): EntityFinding => ({
  severity: null,
  laterality: null,
  location: null,
  change: null,
  ...p,
});

describe('renderContext', () => {
  it('renders each status with its descriptors before the entity', () => {
    const text = renderContext({
      entities: [
        finding({ entity: 'effusion', status: 'present', severity: 'small', laterality: 'left', location: 'pleural', change: 'increased' }),
        finding({ entity: 'pneumonia', status: 'uncertain', laterality: 'right', location: 'lower lobe' }),
        finding({ entity: 'pneumothorax', status: 'absent', severity: 'large' }),
      ],
    });
    expect(text).toBe('small left pleural effusion, increased. possible right lower lobe pneumonia. no pneumothorax.');
  });
  it('words anatomy and adjectival entities as a radiologist writes them', () => {
    const render = (f: EntityFinding) => renderContext({ entities: [f] });
    expect(render(finding({ entity: 'cardiomediastinal', status: 'absent' }))).toBe('normal cardiomediastinal contour.');
    expect(render(finding({ entity: 'cardiomediastinal', status: 'present' }))).toBe('abnormal cardiomediastinal contour.');
    expect(render(finding({ entity: 'hyperinflate', status: 'present', severity: 'mild' }))).toBe('mildly hyperinflated lungs.');
    expect(render(finding({ entity: 'hyperinflate', status: 'absent' }))).toBe('no hyperinflation.');
    expect(render(finding({ entity: 'aorta', status: 'present', severity: 'mild tortuous' }))).toBe('mildly tortuous aorta.');
    expect(render(finding({ entity: 'hemidiaphragm', status: 'present', severity: 'elevated', laterality: 'right' }))).toBe('elevated right hemidiaphragm.');
    expect(render(finding({ entity: 'hemidiaphragm', status: 'absent', laterality: 'left' }))).toBe('no left hemidiaphragm.');
    expect(render(finding({ entity: 'vasculature', status: 'absent' }))).toBe('normal pulmonary vasculature.');
    expect(render(finding({ entity: 'aerate', status: 'present' }))).toBe('poorly aerated lungs.');
    expect(render(finding({ entity: 'drusen', status: 'present', severity: 'mild' }))).toBe('mild drusen.');
  });
  it('renders rule output of ordinary sentences in radiologist wording', () => {
    const d = new RuleDistiller().distill('Normal cardiomediastinal silhouette. The lungs are mildly hyperinflated. The aorta is tortuous.');
    expect(renderContext(d)).toBe('tortuous aorta. normal cardiomediastinal contour. mildly hyperinflated lungs.');
  });
  it('renders nothing for no findings', () => {
    expect(renderContext({ entities: [] })).toBe('');
  });
  it('validates wording data, naming the field', () => {
    expect(defaultRenderWording().entities.aorta.normal).toBe('normal aorta');
    expect(() => renderWordingFromJson({ adverbs: {}, entities: { aorta: { phrase: '' } } }, 'w.json')).toThrow('w.json: entities.aorta.phrase');
  });
});
