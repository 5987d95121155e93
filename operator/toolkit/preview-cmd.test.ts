import { createHash } from 'node:crypto';
import { runPreviewCommand } from './preview-cmd.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

const files: Record<string, string> = {
  'pr.yaml': `
apiVersion: syncagent.kcp.io/v1alpha1
kind: PublishedResource
metadata: { name: publish-crontabs }
spec:
  resource: { apiGroup: example.com, kind: CronTab, version: v1 }
  naming: { name: "{{ .Object.metadata.name }}-copy", namespace: "tenant-$remoteClusterName" }
  mutation:
    spec:
      - regex: { path: spec.image, pattern: "^", replacement: "registry.local/" }
`,
  'obj.yaml': `
apiVersion: example.com/v1
kind: CronTab
metadata:
  name: nightly
  namespace: default
  uid: abc
  resourceVersion: "7"
  annotations: { kcp.io/cluster: ws1 }
spec: { image: backup, replicas: 1 }
`,
};
const read = (p: string) => {
  const f = files[p];
  if (f === undefined) throw new Error(`no such file: ${p}`);
  return f;
};

describe('pubres-toolkit preview', () => {
  test('a new object: finalizer in kcp, then the exact local copy', () => {
    const r = runPreviewCommand(
      {
        publishedResource: 'pr.yaml',
        object: 'obj.yaml',
        cluster: 'ws1',
        agentName: 'agent',
        output: 'json',
      },
      read,
    );
    expect(r.stderr).toBe('');
    const { steps } = JSON.parse(r.stdout);
    expect(steps.map((s: { side: string; verb: string }) => `${s.side}:${s.verb}`)).toEqual([
      'kcp:patch',
      'service:create',
    ]);
    expect(steps[0].body).toEqual({ metadata: { finalizers: ['syncagent.kcp.io/cleanup'] } });
    expect(steps[1].target).toBe('example.com/v1 CronTab tenant-ws1/nightly-copy');
    expect(steps[1].body).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: {
        name: 'nightly-copy',
        namespace: 'tenant-ws1',
        labels: {
          'syncagent.kcp.io/agent-name': 'agent',
          'syncagent.kcp.io/remote-object-cluster': 'ws1',
          'syncagent.kcp.io/remote-object-name-hash': sha1('nightly'),
          'syncagent.kcp.io/remote-object-namespace-hash': sha1('default'),
        },
        annotations: {
          'syncagent.kcp.io/remote-object-name': 'nightly',
          'syncagent.kcp.io/remote-object-namespace': 'default',
        },
      },
      spec: { image: 'registry.local/backup', replicas: 1 },
    });
  });

  test('an existing copy in sync shows no steps; bad input names the file', () => {
    files['local.yaml'] = JSON.stringify({
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly-copy', namespace: 'tenant-ws1' },
      spec: { image: 'registry.local/backup', replicas: 1 },
    });
    files['obj2.yaml'] = files['obj.yaml']!.replace(
      'uid: abc',
      'uid: abc\n  finalizers: [syncagent.kcp.io/cleanup]',
    );
    const same = runPreviewCommand(
      {
        publishedResource: 'pr.yaml',
        object: 'obj2.yaml',
        local: 'local.yaml',
        cluster: 'ws1',
        output: 'json',
      },
      read,
    );
    // Without state the agent rewrites the spec with a full update (docs/compatibility.md#spec-sync).
    expect(JSON.parse(same.stdout).steps.map((s: { verb: string }) => s.verb)).toEqual(['update']);
    expect(runPreviewCommand({ publishedResource: 'obj.yaml', object: 'obj.yaml' }, read).stderr).toBe(
      'Error: obj.yaml: not a PublishedResource\n',
    );
  });
});
