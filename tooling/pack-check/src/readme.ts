/**
 * The usage a package's README promises: it must begin with an `npm install` command naming the
 * package and a short TypeScript example; `// prints: …` comments in the example are output the
 * check expects on stdout.
 */

/** What {@link readmeUsage} found. */
export interface ReadmeUsage {
  /** The install command line (`npm install @ecamp/x …`). */
  install: string;
  /** Packages that command installs. */
  installs: string[];
  /** The example's source. */
  example: string;
  /** Non-empty lines of the example. */
  exampleLines: number;
  /** `// prints: …` texts, in order. */
  expected: string[];
  /** Packages the example imports (bare specifiers, package part only). */
  imports: string[];
}

/** Most non-empty lines a README's opening example may have (the issue asks for about ten). */
export const MAX_EXAMPLE_LINES = 16;

const OPENING_SECTIONS = /^(install|installation|usage|example|quick start)$/i;

interface Block {
  lang: string;
  body: string;
}

function blocks(text: string): Block[] {
  const out: Block[] = [];
  const re = /^```([\w-]*)[^\n]*\n([\s\S]*?)^```/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ lang: m[1].toLowerCase(), body: m[2] });
  return out;
}

/** The package part of a bare import specifier (`@scope/name/sub` → `@scope/name`), or undefined for relative and node: ones. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Reads the opening of a README (text before the first `## ` section other than Install, Usage,
 * Example or Quick start) for the install command and the example.
 * @throws naming `file` and what is missing or wrong
 */
export function readmeUsage(readme: string, name: string, file = 'README.md'): ReadmeUsage {
  const lines = readme.split('\n');
  let end = lines.length;
  for (let k = 0; k < lines.length; k++) {
    const m = /^## +(.+?)\s*$/.exec(lines[k]);
    if (m && !OPENING_SECTIONS.test(m[1])) {
      end = k;
      break;
    }
  }
  const opening = lines.slice(0, end).join('\n');
  const found = blocks(opening);
  const installAt = found.findIndex(
    (b) => ['sh', 'bash', 'shell', 'console'].includes(b.lang) && b.body.split('\n').some((l) => /\bnpm\s+(install|i|add)\b/.test(l) && l.includes(name)),
  );
  if (installAt < 0) {
    throw new Error(
      `${file}: does not begin with an install command — expected a \`\`\`sh block with \`npm install ${name}\` before the first section (## …) other than Install/Usage`,
    );
  }
  const installLine = found[installAt].body.split('\n').find((l) => /\bnpm\s+(install|i|add)\b/.test(l) && l.includes(name))!;
  const install = installLine.replace(/\s+#.*$/, '').trim();
  const installs = install
    .split(/\s+/)
    .slice(2)
    .filter((t) => !t.startsWith('-'))
    .map((t) => t.replace(/@[\^~]?\d[\w.-]*$/, ''));
  const example = found.slice(installAt + 1).find((b) => b.lang === 'ts' || b.lang === 'typescript');
  if (!example) throw new Error(`${file}: no \`\`\`ts example after the install command in its opening (before the first other ## section)`);
  const exampleLines = example.body.split('\n').filter((l) => l.trim() !== '').length;
  if (exampleLines > MAX_EXAMPLE_LINES)
    throw new Error(`${file}: the opening example has ${exampleLines} lines; keep it to ${MAX_EXAMPLE_LINES} (move the rest to later sections)`);
  const expected = [...example.body.matchAll(/\/\/\s*prints:\s*(.+?)\s*$/gm)].map((m) => m[1]);
  const imports = [
    ...new Set(
      [...example.body.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)]
        .map((m) => packageOf(m[1] ?? m[2]))
        .filter((p): p is string => p !== undefined),
    ),
  ];
  return { install, installs, example: example.body, exampleLines, expected, imports };
}

/** Imported packages the install command does not install (besides what the installed ones bring). */
export function importsNotInstalled(usage: ReadmeUsage, alsoAvailable: readonly string[] = []): string[] {
  return usage.imports.filter((p) => !usage.installs.includes(p) && !alsoAvailable.includes(p));
}
