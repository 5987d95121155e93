import { stringify } from 'yaml';
import { apiResourceSchemaName, buildAPIResourceSchema } from '../engine/schema/ars.js';
import { projectCRD } from '../engine/schema/projection.js';
import { stripRealCRD } from '../engine/schema/source-schema.js';
import { crontabCRD } from '../engine/schema/testing/crontab-crd.js';
import type { CustomResourceDefinition } from '../engine/schema/types.js';
import { runSchemaDiffCommand } from './schema-diff-cmd.js';

type Obj = Record<string, any>;

const crd = (specProps: Obj): CustomResourceDefinition =>
  crontabCRD({ specProps, metadata: { resourceVersion: '7', uid: 'x' } });

const pr = (policy?: string) => ({
  apiVersion: 'syncagent.kcp.io/v1alpha1',
  kind: 'PublishedResource',
  metadata: { name: 'crontabs' },
  spec: {
    resource: { apiGroup: 'example.com', version: 'v1', kind: 'CronTab' },
    projection: { group: 'kcp.example.com' },
    ...(policy ? { schemaUpdatePolicy: policy } : {}),
  },
});

const OLD = { cronSpec: { type: 'string' }, image: { type: 'string' } };

/** The APIResourceSchema the agent published for `OLD` under `pr()`, as `kubectl get -o yaml` shows it. */
function publishedARS(): string {
  const projected = projectCRD(stripRealCRD(crd(OLD)), pr().spec as never);
  return stringify(buildAPIResourceSchema(projected, apiResourceSchemaName(projected), 'agent'));
}

function run(files: Record<string, string>, opts: Obj) {
  return runSchemaDiffCommand(opts, (p) => {
    if (!(p in files)) throw new Error(`open ${p}: no such file`);
    return files[p]!;
  });
}

describe('pubres-toolkit schema-diff', () => {
  const files = (next: Obj, policy?: string) => ({
    'new.yaml': stringify(crd(next)),
    'ars.yaml': publishedARS(),
    'pr.yaml': stringify(pr(policy)),
  });

  it('prints breaking changes and exits 1, with the verdict of the policy', () => {
    const r = run(files({ cronSpec: { type: 'integer' } }, 'CompatibleOnly'), {
      crd: 'new.yaml',
      published: 'ars.yaml',
      pr: 'pr.yaml',
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'BREAKING    versions[v1].spec.cronSpec: type changed from string to integer',
      'BREAKING    versions[v1].spec.image: field removed',
      '2 change(s), 2 breaking, 0 compatible',
    ]);
    expect(r.stdout).toMatch(
      /^schemaUpdatePolicy CompatibleOnly: the agent would hold v\w+\.crontabs\.kcp\.example\.com and keep v\w+\.crontabs\.kcp\.example\.com$/m,
    );
  });

  it('exits 0 for compatible changes and says the agent would publish', () => {
    const r = run(files({ ...OLD, note: { type: 'string' } }, 'CompatibleOnly'), {
      crd: 'new.yaml',
      published: 'ars.yaml',
      pr: 'pr.yaml',
      output: 'json',
    });
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.breaking).toBe(false);
    expect(out.changes).toEqual([
      { path: 'versions[v1].spec.note', breaking: false, reason: 'optional field added' },
    ]);
    expect(out.verdict).toMatch(/^schemaUpdatePolicy CompatibleOnly: the agent would publish /);
  });

  it('compares without projection against a published CRD when no PublishedResource is given', () => {
    const r = run(
      { 'new.yaml': stringify(crd(OLD)), 'old.yaml': stringify(crd(OLD)) },
      {
        crd: 'new.yaml',
        published: 'old.yaml',
      },
    );
    expect(r).toEqual({ stdout: 'no schema changes\n', stderr: '', exitCode: 0 });
  });

  it('exits 2 on unreadable input', () => {
    expect(run({}, { crd: 'new.yaml' }).exitCode).toBe(2);
    expect(run({}, { crd: 'new.yaml', published: 'ars.yaml' })).toMatchObject({
      exitCode: 2,
      stderr: 'Error: open ars.yaml: no such file\n',
    });
    expect(
      run(
        { 'a.yaml': 'kind: ConfigMap', 'b.yaml': 'kind: ConfigMap' },
        { crd: 'a.yaml', published: 'b.yaml' },
      ),
    ).toMatchObject({
      exitCode: 2,
      stderr: 'Error: b.yaml: not an APIResourceSchema or CustomResourceDefinition\n',
    });
  });
});
