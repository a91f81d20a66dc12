/**
 * The workspace's packages as the check sees them: name, version, folder, public or private.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One workspace package. */
export interface WorkspacePackage {
  name: string;
  version: string;
  /** Folder relative to the workspace root (`packages/core`). */
  dir: string;
  private: boolean;
  manifest: Record<string, unknown>;
}

/** Package folders of a pnpm workspace laid out as `packages/*`, `apps/*`, `tooling/*`. */
export function workspacePackages(root: string, groups: readonly string[] = ['packages', 'apps', 'tooling']): WorkspacePackage[] {
  const out: WorkspacePackage[] = [];
  for (const group of groups) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      const p = join(base, name, 'package.json');
      if (!existsSync(p)) continue;
      const manifest = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
      out.push({
        name: String(manifest.name),
        version: String(manifest.version ?? '0.0.0'),
        dir: `${group}/${name}`,
        private: manifest.private === true,
        manifest,
      });
    }
  }
  return out;
}

/** The public (publishable) packages: under packages/, not private. */
export function publicPackages(root: string): WorkspacePackage[] {
  return workspacePackages(root, ['packages']).filter((p) => !p.private);
}

/** Names of the workspace packages `pkg` depends on with the workspace protocol (every dependency field). */
export function workspaceDependencies(pkg: WorkspacePackage): string[] {
  const names = new Set<string>();
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies']) {
    for (const [dep, range] of Object.entries((pkg.manifest[field] ?? {}) as Record<string, string>))
      if (String(range).startsWith('workspace:')) names.add(dep);
  }
  return [...names];
}
