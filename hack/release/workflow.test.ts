// Static checks of the release workflow: actionlint (a workflow linter from the Go module proxy:
// `GOBIN=~/.cache/api-syncagent/bin go install github.com/rhysd/actionlint/cmd/actionlint@latest`)
// when installed (bash hack/release/ensure-actionlint.sh), and that every script the workflow calls exists here (and is tested next to it).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const WORKFLOW = path.join(REPO, '.github', 'workflows', 'release.yml');

function actionlint(): string | undefined {
  const candidates = [
    process.env.ACTIONLINT,
    process.env.API_SYNCAGENT_BIN_DIR && path.join(process.env.API_SYNCAGENT_BIN_DIR, 'actionlint'),
    path.join(
      process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
      'api-syncagent',
      'bin',
      'actionlint',
    ),
    ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'actionlint')),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: { push: { tags: string[] } };
  jobs: Record<string, { steps: Step[]; needs?: string | string[] }>;
}

describe('.github/workflows/release.yml', () => {
  const wf = parse(readFileSync(WORKFLOW, 'utf8')) as Workflow;
  const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
  const bin = actionlint();

  (bin ? it : it.skip)('passes actionlint', () => {
    const r = spawnSync(bin!, [WORKFLOW], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
  if (!bin) {
    it('skips actionlint: not installed (bash hack/release/ensure-actionlint.sh)', () => {
      console.warn('actionlint is not installed: the workflow lint is skipped');
      expect(bin).toBeUndefined();
    });
  }

  it('runs on release tags and calls only scripts that exist', () => {
    expect(wf.on.push.tags).toEqual(['v*.*.*']);
    const scripts = steps.flatMap((s) =>
      [...(s.run ?? '').matchAll(/bash (hack\/\S+\.sh)/g)].map((m) => m[1]!),
    );
    expect(new Set(scripts)).toEqual(
      new Set(['hack/release/outputs.sh', 'hack/release/set-version.sh', 'hack/release/render.sh']),
    );
    for (const s of scripts) expect(existsSync(path.join(REPO, s))).toBe(true);
  });

  it('builds amd64 and arm64 and pins the version before building and rendering', () => {
    const build = steps.find((s) => s.uses?.startsWith('docker/build-push-action'));
    expect(build?.with?.platforms).toBe('linux/amd64,linux/arm64');
    expect(build?.with?.push).toBe(true);
    for (const job of ['image', 'chart-and-manifests']) {
      const runs = wf.jobs[job]!.steps.map((s) => s.run ?? s.uses ?? '');
      const pin = runs.findIndex((r) => r.includes('hack/release/set-version.sh'));
      expect(pin).toBeGreaterThanOrEqual(0);
      const after = runs.findIndex(
        (r) => r.startsWith('docker/build-push-action') || r.includes('render.sh'),
      );
      expect(after).toBeGreaterThan(pin);
    }
    expect(steps.some((s) => (s.run ?? '').includes('helm push'))).toBe(true);
    expect(steps.some((s) => (s.run ?? '').includes('gh release create'))).toBe(true);
  });
});
