// Comments and docs point only to things a clone has. The Go agent's behaviour is described in the
// repository's own words in docs/compatibility.md (and the deliberate differences in
// docs/differences-from-go-agent.md); citations of documents outside the repository (a numbered
// specification, numbered design decisions, issue numbers of a tracker) must not come back, and
// every `docs/compatibility.md#section` a file points to must exist.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const COMPAT = path.join(REPO, 'docs', 'compatibility.md');
const SELF = path.relative(REPO, import.meta.filename);

/** What is scanned: the project's own sources, scripts, manifests and docs. */
const ROOTS = [
  'operator',
  'hack',
  'e2e',
  'docs',
  'crds',
  'charts',
  'manifests',
  '.github',
  'README.md',
  'Dockerfile',
];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.artifacts', 'coverage']);
const TEXT = /\.(ts|mts|cts|js|mjs|cjs|go|sh|md|ya?ml|json|tpl|txt)$|^Dockerfile$/;

/**
 * Citations of documents outside the repository, each with the reason it is refused. Built from parts
 * so that this file does not match itself when it is scanned by a plain grep.
 */
const CITATIONS: Array<{ re: RegExp; what: string }> = [
  { re: new RegExp('\\u00a7\\s*\\d'), what: 'a numbered section (\u00a7)' },
  { re: new RegExp('\\b' + 'SP' + 'EC\\b'), what: 'the external specification' },
  { re: new RegExp('\\b[Dd]ecisions? ' + '#\\d'), what: 'a numbered decision' },
  { re: new RegExp('\\b[Ii]ssues? ' + '#?\\d'), what: 'an issue number' },
  { re: new RegExp('\\b[Qq]uirks? ' + '#\\d'), what: 'a numbered quirk' },
];

export function citationsIn(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const c of CITATIONS) if (c.re.test(line)) found.push(`${i + 1}: ${c.what}: ${line.trim()}`);
  });
  return found;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const slug = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

function files(): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(REPO, rel);
    let st;
    try {
      st = statSync(abs);
    } catch {
      return; // an optional root (e.g. manifests) that a checkout may not have
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(abs)) if (!SKIP_DIRS.has(e)) walk(path.join(rel, e));
    } else if (TEXT.test(path.basename(rel)) && rel !== SELF && !rel.endsWith('package-lock.json')) {
      out.push(rel);
    }
  };
  ROOTS.forEach(walk);
  return out;
}

describe('citations in comments and docs', () => {
  const all = files().map((f) => ({ file: f, text: readFileSync(path.join(REPO, f), 'utf8') }));

  it('scans the sources (the walk finds the agent, the scripts and the docs)', () => {
    const names = new Set(all.map((f) => f.file));
    expect(names.has(path.join('operator', 'agent.ts'))).toBe(true);
    expect(names.has(path.join('hack', 'bench.sh'))).toBe(true);
    expect(names.has(path.join('docs', 'compatibility.md'))).toBe(true);
    expect(all.length).toBeGreaterThan(300);
  });

  it('recognises the citation forms it refuses', () => {
    const sec = '\u00a7';
    expect(citationsIn(`/** Keys (SP${'EC'} ${sec}5.1). */`)).toHaveLength(2);
    expect(citationsIn(`// decision #${4}: clean up`)).toHaveLength(1);
    expect(citationsIn(`// Decisions #${4} and #20`)).toHaveLength(1);
    expect(citationsIn(`// as Issue ${7} asks`)).toHaveLength(1);
    expect(citationsIn(`// see issue #${13}`)).toHaveLength(1);
    expect(citationsIn(`// kept (quirk #${3})`)).toHaveLength(1);
    // Not citations: spec fields, HTML entities, links to the repository's own docs.
    expect(citationsIn('spec.naming.name; &#34; docs/compatibility.md#naming; PKCS#7')).toEqual([]);
  });

  it('cite no document outside the repository', () => {
    const offending = all.flatMap(({ file, text }) => citationsIn(text).map((c) => `${file}:${c}`));
    expect(offending).toEqual([]);
  });

  it('point only to sections of docs/compatibility.md that exist', () => {
    const anchors = headingAnchors(readFileSync(COMPAT, 'utf8'));
    expect(anchors.has('naming')).toBe(true);
    const missing: string[] = [];
    for (const { file, text } of all) {
      for (const m of text.matchAll(/compatibility\.md#([\w-]+)/g)) {
        if (!anchors.has(m[1]!)) missing.push(`${file}: #${m[1]}`);
      }
      if (file === path.join('docs', 'compatibility.md')) {
        for (const m of text.matchAll(/\]\(#([\w-]+)\)/g)) {
          if (!anchors.has(m[1]!)) missing.push(`${file}: #${m[1]}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('computes anchors like GitHub', () => {
    const a = headingAnchors(
      '# Title\n## Spec sync\n### `pubres-toolkit`\n## Spec sync\n```\n# not a heading\n```',
    );
    expect([...a]).toEqual(['title', 'spec-sync', 'pubres-toolkit', 'spec-sync-1']);
  });
});
