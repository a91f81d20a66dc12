import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publicPackages, workspaceDependencies, workspacePackages } from './workspace.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('the workspace as the check sees it', () => {
  it('lists packages, apps and tooling; the public ones are the non-private packages/*', () => {
    const all = workspacePackages(repo);
    expect(all.find((p) => p.name === '@ecamp/trainer')).toMatchObject({ dir: 'apps/trainer', private: true });
    expect(all.find((p) => p.name === '@ecamp/pack-check')).toMatchObject({ dir: 'tooling/pack-check', private: true });
    const pub = publicPackages(repo).map((p) => p.name);
    expect(pub).toEqual(expect.arrayContaining(['@ecamp/core', '@ecamp/native', '@ecamp/vision', '@ecamp/distill']));
    expect(pub).not.toContain('@ecamp/trainer');
    expect(pub).not.toContain('@ecamp/viewer');
  });

  it('workspaceDependencies reads every dependency field for workspace: ranges', () => {
    const core = workspacePackages(repo).find((p) => p.name === '@ecamp/core')!;
    expect(workspaceDependencies(core)).toEqual(expect.arrayContaining(['@ecamp/native', '@ecamp/tsconfig', '@ecamp/vitest-preset']));
    expect(workspaceDependencies(core)).not.toContain('@tensorflow/tfjs');
  });
});
