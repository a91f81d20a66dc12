import { describe, expect, it } from 'vitest';
import { renderContext } from './render.js';
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
  it('renders nothing for no findings', () => {
    expect(renderContext({ entities: [] })).toBe('');
  });
});
