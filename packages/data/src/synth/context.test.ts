import { describe, expect, it } from 'vitest';
import { groundTruthContext } from './context.js';

describe('groundTruthContext', () => {
  it('states present findings with descriptors first, then absent ones', () => {
    const text = groundTruthContext([
      { label: 'pleural_effusion', sides: ['left'], size: 'small' },
      { label: 'support_devices', devices: ['endotracheal tube'] },
    ]);
    expect(text.startsWith('pleural effusion: present, small, left. support devices: present, endotracheal tube.')).toBe(true);
    expect(text).toContain('pneumothorax: absent.');
    expect(text).not.toContain('pleural effusion: absent');
    expect(text).not.toContain('support devices: absent');
  });
});
