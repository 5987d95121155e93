// The layers of operator/ (docs/architecture.md#the-layers-of-the-code), checked on every import of
// non-test code: a new arrow against them fails here rather than in a review.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const operator = dirname(fileURLToPath(import.meta.url));

/** What each layer may import besides itself (folders under operator/, or single modules). */
const ALLOWED: Record<string, string[]> = {
  // The binary's version goes into the client's User-Agent.
  runtime: ['version.ts'],
  golang: [],
  // Label selectors are pure and kcp's well-known names are constants: both are data to the engine.
  engine: ['golang', 'apis', 'runtime/labels', 'kcp/well-known.ts'],
  kcp: ['runtime', 'apis'],
  // Validation of a PublishedResource compiles its templates, mutations and related rules.
  apis: ['engine', 'runtime/labels'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' || e.name === 'testdata' ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) =>
    posix.normalize(posix.join(posix.dirname(relative(operator, file)), s)).replace(/\.js$/, '.ts'),
  );
}

describe('layers of operator/', () => {
  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    it(`${layer}/ imports only ${[layer, ...allowed].join(', ')}`, () => {
      const wrong: string[] = [];
      for (const file of sourceFiles(join(operator, layer))) {
        for (const target of importsOf(file)) {
          const ok = [layer, ...allowed].some((a) => target === a || target.startsWith(`${a}/`));
          if (!ok) wrong.push(`${relative(operator, file)} -> ${target}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }
});
