import { sharedDataPath, skipWithoutSharedData } from '@ecamp/vitest-preset/shared-data';
import { describe, expect, it } from 'vitest';
import { createLexicon } from '@ecamp/io';
import { defaultMeshTable, goldEntitiesFromMesh, scoreEntityPresence } from './quality.js';
import { readReports } from './reports-input.js';
import { MAX_SENTENCE_TOKENS, RuleDistiller, clausePieces, mergeFindings } from './rule-distiller.js';
import { tokenize } from './text.js';
import type { EntityFinding } from './schema.js';

const rules = new RuleDistiller();
const statuses = (text: string) => Object.fromEntries(rules.distill(text).entities.map((f) => [f.entity, f.status]));
const find = (text: string, entity: string) => rules.distill(text).entities.find((f) => f.entity === entity);

describe('RuleDistiller: entities and whole words', () => {
  it('matches synonyms and plurals on whole words only', () => {
    expect(statuses('Bilateral opacities. Patchy airspace disease. Scattered granulomas.')).toEqual({ opacity: 'present', granuloma: 'present' });
    expect(statuses('Masses of bowel gas. Massive.')).toEqual({ mass: 'present' });
    expect(statuses('Massively dilated.')).toEqual({ dilation: 'present' });
  });
  it('treats an adjective that modifies another entity as a descriptor, not a finding', () => {
    expect(statuses('Calcified granuloma.')).toEqual({ granuloma: 'present' });
    expect(statuses('Scattered calcified lymph nodes.')).toEqual({ calcification: 'present' });
  });
});

describe('RuleDistiller: negation and uncertainty', () => {
  it('applies pre-triggers to the sentence end', () => {
    expect(statuses('No focal consolidation, pleural effusion or pneumothorax.')).toEqual({
      consolidation: 'absent',
      effusion: 'absent',
      pneumothorax: 'absent',
    });
    expect(statuses('There is no evidence of pneumonia.')).toEqual({ pneumonia: 'absent' });
  });
  it('stops scope at the sentence end and at termination terms', () => {
    expect(statuses('No pneumothorax. Small effusion.')).toEqual({ pneumothorax: 'absent', effusion: 'present' });
    expect(statuses('No pneumothorax but there is a small effusion.')).toEqual({ pneumothorax: 'absent', effusion: 'present' });
  });
  it('handles post-triggers, uncertainty and pseudo-triggers', () => {
    expect(statuses('Pneumothorax is not seen.')).toEqual({ pneumothorax: 'absent' });
    expect(statuses('Previously seen effusion has resolved.')).toEqual({ effusion: 'absent' });
    expect(statuses('Findings may represent atelectasis.')).toEqual({ atelectasis: 'uncertain' });
    expect(statuses('Pneumonia cannot be excluded.')).toEqual({ pneumonia: 'uncertain' });
    expect(statuses('No change in the left effusion.')).toEqual({ effusion: 'present' });
    expect(find('No change in the left effusion.', 'effusion')?.change).toBe('unchanged');
  });
  it('lets the nearest trigger win', () => {
    expect(statuses('No effusion, possible pneumonia.')).toEqual({ effusion: 'absent', pneumonia: 'uncertain' });
  });
});

describe('RuleDistiller: anatomy words need a qualifier', () => {
  it('present when abnormal, absent when normal, nothing when bare', () => {
    expect(statuses('The aorta is tortuous.')).toEqual({ aorta: 'present' });
    expect(statuses('Normal aorta.')).toEqual({ aorta: 'absent' });
    expect(statuses('The aorta is seen.')).toEqual({});
    expect(statuses('The heart is not enlarged.')).toEqual({ cardiomegaly: 'absent' });
    expect(statuses('Heart size is mildly enlarged.')).toEqual({ cardiomegaly: 'present' });
    expect(find('Heart size is mildly enlarged.', 'cardiomegaly')?.severity).toBe('mild');
  });
  it('shares a qualifier between coordinated subjects', () => {
    expect(statuses('Heart size and mediastinal contour are within normal limits.')).toEqual({ cardiomegaly: 'absent', contour: 'absent' });
  });
});

describe('RuleDistiller: descriptors', () => {
  it('attaches severity, side, location and change to the right entity', () => {
    const d = rules.distill('Small left pleural effusion, increased. Right lower lobe opacity. Stable bibasilar atelectasis.').entities;
    expect(d.find((f) => f.entity === 'effusion')).toMatchObject({ severity: 'small', laterality: 'left', location: 'pleural', change: 'increased' });
    expect(d.find((f) => f.entity === 'opacity')).toMatchObject({ laterality: 'right', location: 'lower lobe' });
    expect(d.find((f) => f.entity === 'atelectasis')).toMatchObject({ laterality: 'bilateral', location: 'basilar', change: 'stable' });
  });
  it('attaches post-nominal descriptors to the entity before them', () => {
    expect(find('There is an opacity in the right upper lobe.', 'opacity')).toMatchObject({ laterality: 'right', location: 'upper lobe' });
  });
  it('keeps separately described sides apart and merges one side mentioned twice', () => {
    const sides = (t: string) =>
      rules
        .distill(t)
        .entities.filter((f) => f.entity === 'effusion')
        .map((f) => `${f.severity} ${f.laterality}`);
    expect(sides('Large left effusion. Small right effusion.')).toEqual(['large left', 'small right']);
    expect(sides('Left effusion. The effusion is small.')).toEqual(['small left']);
    expect(find('Effusions in the right and left bases.', 'effusion')?.laterality).toBe('bilateral');
  });
  it('shares place within a noun phrase and across a bare conjunction', () => {
    expect(find('Calcified right hilar nodules.', 'nodule')?.laterality).toBe('right');
    expect(find('Atelectasis or infiltrate in the right base.', 'atelectasis')).toMatchObject({ laterality: 'right', location: 'basilar' });
    expect(find('Left basilar atelectasis and/or infiltrate.', 'infiltrate')).toMatchObject({ laterality: 'left', location: 'basilar' });
  });
  it('reads an anatomy word as abnormal when a finding shares its noun phrase, also across "and"', () => {
    expect(statuses('Calcified mediastinal and hilar lymph nodes.')).toEqual({ calcification: 'present', hilar: 'present' });
    expect(statuses('Right hilar and basilar calcifications.')).toEqual({ calcification: 'present', hilar: 'present' });
    expect(find('Vague opacity in the right infrahilar region.', 'hilar')).toMatchObject({ status: 'present', laterality: 'right' });
    expect(statuses('The hilar and mediastinal contours are unchanged.')).toEqual({});
  });
  it('keeps the abnormal attribute of an anatomy word and reads a finding beside it as abnormal', () => {
    expect(find('Elevated right hemidiaphragm.', 'hemidiaphragm')).toMatchObject({ status: 'present', severity: 'elevated', laterality: 'right' });
    expect(find('Aortic calcification.', 'aorta')?.status).toBe('present');
    expect(find('No hilar mass.', 'hilar')?.status).toBe('absent');
  });
});

describe('RuleDistiller: synonym and morphology layer', () => {
  it('reads device, congestion and deformity wording', () => {
    expect(find('Left PICC line with tip in the SVC.', 'catheter')).toMatchObject({ status: 'present', laterality: 'left' });
    expect(statuses('Right internal jugular central line and a feeding tube.')).toEqual({ catheter: 'present' });
    expect(statuses('Mild vascular engorgement and cephalization.')).toEqual({ congestion: 'present' });
    expect(statuses('Mild wedging of a midthoracic vertebral body.')).toEqual({ deformity: 'present' });
    expect(statuses('Reticulonodular changes.')).toEqual({ nodule: 'present' });
  });
  it('lets an abnormal anatomy word imply the condition it names', () => {
    expect(statuses('The pulmonary vascularity is increased.')).toEqual({ vasculature: 'present', congestion: 'present' });
    expect(statuses('Enlarged cardiomediastinal silhouette.')).toEqual({ cardiomediastinal: 'present', cardiomegaly: 'present' });
    expect(find('Borderline heart size.', 'cardiomegaly')?.status).toBe('present');
    expect(statuses('Normal pulmonary vascularity.')).toEqual({ vasculature: 'absent' });
  });
  it('keeps an adjective a finding unless the entity it modifies absorbs it', () => {
    expect(statuses('Calcified granuloma in the left upper lobe.')).toEqual({ granuloma: 'present' });
    expect(statuses('Calcified left lower lobe 6 mm granuloma.')).toEqual({ granuloma: 'present' });
    const d = rules.distill('Calcified nodules in the right lung.').entities;
    expect(d.map((f) => `${f.entity}:${f.status}:${f.laterality}`)).toEqual(['calcification:present:right', 'nodule:present:right']);
    expect(statuses('Nodular opacity in the left base.')).toEqual({ opacity: 'present' });
  });
  it('reads atherosclerotic calcification as the vessel, plain calcification as calcification', () => {
    expect(statuses('Atherosclerotic calcification of the aortic arch.')).toEqual({ aorta: 'present' });
    expect(statuses('Calcified aortic knob.')).toEqual({ aorta: 'present', calcification: 'present' });
  });
});

describe('RuleDistiller: negation and uncertainty scope', () => {
  it('lets a negation of change leave the finding present', () => {
    expect(find('No change in the small right effusion.', 'effusion')).toMatchObject({ status: 'present', laterality: 'right', severity: 'small' });
    expect(statuses('Without interval worsening of the basilar atelectasis.')).toEqual({ atelectasis: 'present' });
    expect(statuses('No significant interval change in the left lower lobe opacity.')).toEqual({ opacity: 'present' });
  });
  it('ends a negation at a new clause, a termination or "with"', () => {
    expect(statuses('No effusion, the heart is enlarged.')).toEqual({ effusion: 'absent', cardiomegaly: 'present' });
    expect(statuses('No pneumothorax with a small left effusion.')).toEqual({ pneumothorax: 'absent', effusion: 'present' });
    expect(statuses('No focal consolidation, effusion, or pneumothorax.')).toEqual({ consolidation: 'absent', effusion: 'absent', pneumothorax: 'absent' });
  });
  it('reads post-posed negations', () => {
    expect(statuses('The previously seen nodule is no longer visualized.')).toEqual({ nodule: 'absent' });
    expect(statuses('The left effusion has resolved.')).toEqual({ effusion: 'absent' });
    expect(statuses('The right chest tube has been removed.')).toEqual({ catheter: 'absent' });
  });
  it('keeps a finding absent when a negation governs the hedge of its clause', () => {
    expect(statuses('No focal airspace opacity to suggest pneumonia.')).toEqual({ opacity: 'absent', pneumonia: 'absent' });
    expect(statuses('Streaky opacity, which may represent atelectasis.')).toEqual({ opacity: 'present', atelectasis: 'uncertain' });
  });
  it('reads a stated probable diagnosis as present and a suggestion or possibility as uncertain', () => {
    expect(statuses('Findings likely represent atelectasis.')).toEqual({ atelectasis: 'present' });
    expect(statuses('Probable small left effusion.')).toEqual({ effusion: 'present' });
    expect(statuses('Patchy opacity suggesting pneumonia.')).toEqual({ opacity: 'present', pneumonia: 'uncertain' });
    expect(statuses('Possible small left effusion.')).toEqual({ effusion: 'uncertain' });
  });
});

describe('RuleDistiller: side attachment', () => {
  it('gives a finding the one side its sentence names', () => {
    expect(find('Opacity at the left base, scarring or atelectasis.', 'atelectasis')?.laterality).toBe('left');
    expect(find('Right-sided effusion.', 'effusion')?.laterality).toBe('right');
    expect(find('Right effusion and left base opacity, atelectasis.', 'atelectasis')?.laterality).toBeNull();
  });
  it('never puts a side on an unsided entity, nor on a negated finding', () => {
    const d = rules.distill('Right-sided catheter with an enlarged heart. No left effusion, normal heart.').entities;
    expect(d.find((f) => f.entity === 'catheter')?.laterality).toBe('right');
    expect(d.find((f) => f.entity === 'cardiomegaly')).toMatchObject({ status: 'present', laterality: null });
    expect(rules.distill('Right lower lobe opacity, no pneumothorax.').entities.find((f) => f.entity === 'pneumothorax')?.laterality).toBeNull();
  });
  it('shares the side across one noun phrase', () => {
    const d = rules.distill('Calcified left hilar lymph nodes.').entities;
    expect(d.map((f) => `${f.entity}:${f.laterality}`)).toEqual(['calcification:left', 'hilar:left']);
  });
  it('merges left and right of one sentence into bilateral unless their sizes differ', () => {
    expect(rules.distill('Opacity in the right base and opacity in the left base.').entities.map((f) => f.laterality)).toEqual(['bilateral']);
    const sides = rules.distill('Large left effusion and small right effusion.').entities.map((f) => `${f.severity} ${f.laterality}`);
    expect(sides).toEqual(['large left', 'small right']);
  });
});

describe('RuleDistiller: linear work', () => {
  it('cuts a run-on sentence into pieces at clause breaks', () => {
    const tokens = tokenize(Array.from({ length: 300 }, (_, i) => `word${i} word${i}b, `).join(''));
    const pieces = clausePieces(tokens);
    expect(pieces.flat()).toEqual(tokens);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces.slice(1)) expect(p[0].text).toBe(',');
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(2 * MAX_SENTENCE_TOKENS);
    const noBreaks = tokenize('word '.repeat(5 * MAX_SENTENCE_TOKENS));
    expect(clausePieces(noBreaks).map((p) => p.length)).toEqual([800, 800, 400]);
  });
  it('distils a 5 MB run-on report (counted work, no time bound)', () => {
    const d = new RuleDistiller();
    const unit = 'small left effusion and possible right base atelectasis with a tortuous aorta and no pneumothorax ';
    const text = unit.repeat(Math.ceil(5_000_000 / unit.length));
    const out = d.distill(text);
    expect(out.entities.map((f) => `${f.entity}:${f.status}`)).toEqual(['aorta:present', 'atelectasis:uncertain', 'effusion:present', 'pneumothorax:absent']);
    const w = d.lastWork();
    expect(w.tokens).toBeGreaterThan(700_000);
    expect(w.steps / w.tokens).toBeLessThan(20);
  });
  it('does work proportional to the text, even for one run-on sentence', () => {
    const d = new RuleDistiller();
    const clause = 'there is a small left effusion and no pneumothorax but the heart is enlarged with possible right base atelectasis and a tortuous aorta ';
    const perToken = (repeats: number, sep: string) => {
      d.distill(Array.from({ length: repeats }, () => clause).join(sep));
      const w = d.lastWork();
      return w.steps / w.tokens;
    };
    for (const sep of ['', '. ']) {
      const small = perToken(200, sep);
      const large = perToken(3200, sep);
      expect(large).toBeLessThan(small * 1.1);
      expect(large).toBeLessThan(20);
    }
  });
});

describe('mergeFindings', () => {
  const f = (status: EntityFinding['status'], laterality: EntityFinding['laterality'] = null): EntityFinding => ({
    entity: 'effusion',
    status,
    laterality,
    severity: null,
    location: null,
    change: null,
  });
  it('keeps a negation of the other side, drops an unsided one', () => {
    expect(mergeFindings([f('present', 'right'), f('absent', 'left')]).map((x) => `${x.status}:${x.laterality}`)).toEqual(['present:right', 'absent:left']);
    expect(mergeFindings([f('present', 'right'), f('absent')]).map((x) => x.status)).toEqual(['present']);
    expect(mergeFindings([f('uncertain'), f('present')]).map((x) => x.status)).toEqual(['present']);
  });
});

describe('RuleDistiller: custom lexicon', () => {
  it('matches entities without rule data by their name', () => {
    const fundus = new RuleDistiller({ lexicon: createLexicon(['drusen', 'hemorrhage']) });
    expect(fundus.distill('Scattered drusen. No hemorrhages.').entities.map((e) => `${e.entity}:${e.status}`)).toEqual(['drusen:present', 'hemorrhage:absent']);
  });
});

describe('RuleDistiller on IU X-ray reports with expert MeSH tags', () => {
  it('reaches entity presence F1 >= 0.88 and laterality accuracy >= 0.85', async () => {
    if (skipWithoutSharedData('iu-xray/reports-dev.csv', 'rule-distiller quality on IU X-ray')) return;
    const table = defaultMeshTable();
    const items = [];
    for await (const r of readReports(sharedDataPath('iu-xray/reports-dev.csv')!)) {
      items.push({ gold: goldEntitiesFromMesh(r.fields?.MeSH ?? '', table), predicted: rules.distill(r.text) });
    }
    const q = scoreEntityPresence(items, table);
    console.log(`IU X-ray dev: P ${q.precision.toFixed(3)} R ${q.recall.toFixed(3)} F1 ${q.f1.toFixed(3)} laterality ${q.lateralityAccuracy.toFixed(3)}`);
    expect(q.f1).toBeGreaterThanOrEqual(0.88);
    expect(q.lateralityAccuracy).toBeGreaterThanOrEqual(0.85);
  });
});
