#!/usr/bin/env node
// Sums the vitest JSON reports that every package writes to .vitest/results.json
// and prints one plain closing line: "tests: N passed, N failed, N skipped".
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';

const root = process.argv[2] ?? process.cwd();
let passed = 0, failed = 0, skipped = 0;
const missing = [];
for (const group of ['packages', 'apps', 'tooling']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    // Tooling folders without a test script (presets, configs) write no report.
    const manifest = join(dir, name, 'package.json');
    if (group === 'tooling' && !(existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test)) continue;
    const report = join(dir, name, '.vitest', 'results.json');
    if (!existsSync(report)) { missing.push(`${group}/${name}`); continue; }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  }
}
if (missing.length) console.log(`no test report from: ${missing.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing.length > 0 ? 1 : 0);
