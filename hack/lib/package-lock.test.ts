// package-lock.json must be one that `npm ci` accepts on every platform a developer or the image build
// uses (hack/lib/node-env.sh, the Dockerfile and the release workflow run `npm ci` with no fallback).
// npm ci refuses a lock that misses a package npm would install here, and npm records the optional
// packages of every platform (e.g. all @swc/core-<os>-<cpu>) only when the registry it resolved against
// served them: a lock regenerated against a mirror without them works on Linux and fails on macOS.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '..', '..');

interface LockedPackage {
  version?: string;
  resolved?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
}
interface Lock {
  lockfileVersion: number;
  packages: Record<string, LockedPackage>;
}

const lock = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as Lock;
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as LockedPackage;

/** Where npm finds `name` for the package at `from`: nested node_modules first, then each parent's. */
export function locate(packages: Record<string, unknown>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (candidate in packages) return candidate;
    if (!base) return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

/** Optional dependencies (of any package) that have no entry in the lock. */
export function missingOptional(packages: Record<string, LockedPackage>): string[] {
  return Object.entries(packages).flatMap(([at, p]) =>
    Object.keys(p.optionalDependencies ?? {})
      .filter((dep) => !locate(packages, at, dep))
      .map((dep) => `${at || '(root)'} -> ${dep}`),
  );
}

describe('package-lock.json', () => {
  it('is a lockfileVersion 3 lock of exactly the dependencies in package.json', () => {
    expect(lock.lockfileVersion).toBe(3);
    const root = lock.packages['']!;
    expect(root.dependencies).toEqual(pkg.dependencies);
    expect(root.devDependencies).toEqual(pkg.devDependencies);
  });

  it('lists every optional dependency of every package, for every platform', () => {
    expect(missingOptional(lock.packages)).toEqual([]);
  });

  it('has the platform packages macOS and Linux need (the ones a mirror once left out)', () => {
    const swc = lock.packages['node_modules/@swc/core']!;
    for (const platform of ['darwin-arm64', 'darwin-x64', 'linux-x64-gnu', 'linux-arm64-gnu']) {
      const name = `@swc/core-${platform}`;
      expect(swc.optionalDependencies?.[name]).toBe(swc.version);
      expect(lock.packages[`node_modules/${name}`]?.version).toBe(swc.version);
    }
  });

  it('resolves from the public registry only', () => {
    const elsewhere = Object.entries(lock.packages)
      .filter(([, p]) => p.resolved !== undefined && !p.resolved.startsWith('https://registry.npmjs.org/'))
      .map(([at, p]) => `${at}: ${p.resolved}`);
    expect(elsewhere).toEqual([]);
  });

  it('the completeness check finds a left-out platform package', () => {
    const packages: Record<string, LockedPackage> = {
      '': { devDependencies: { tool: '^1.0.0' } },
      'node_modules/tool': {
        version: '1.0.0',
        optionalDependencies: { 'tool-linux': '1.0.0', 'tool-darwin': '1.0.0' },
      },
      'node_modules/tool-linux': { version: '1.0.0', os: ['linux'] },
      'node_modules/a/node_modules/tool': { optionalDependencies: { 'tool-linux': '1.0.0' } },
    };
    expect(missingOptional(packages)).toEqual(['node_modules/tool -> tool-darwin']);
  });
});
