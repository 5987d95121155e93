import {
  ANNOTATION_NAMESPACE_METADATA as MEM,
  REASON_NAMESPACE_METADATA_INVALID,
  REASON_NAMESPACE_METADATA_SHARED,
  deniedKeyProblem,
  keyProblem,
  parseMemory,
  planNamespaceMetadata,
  type NamespaceMetadataInput,
} from './index.js';

const owned = (workspace: string, labels: string[] = [], annotations: string[] = []) =>
  JSON.stringify({ workspace, labels, annotations });

function input(over: Partial<NamespaceMetadataInput> = {}): NamespaceMetadataInput {
  return {
    config: { labels: ['team', 'cost-center'], annotations: ['example.com/role-arn'] },
    workspace: 'ws-a',
    source: {},
    destination: {},
    otherWorkspaces: [],
    ...over,
  };
}

describe('namespace metadata keys', () => {
  it.each([
    'syncagent.kcp.io/agent-name',
    'kcp.io/cluster',
    'tenancy.kcp.io/workspace',
    'pod-security.kubernetes.io/enforce',
    'kubernetes.io/metadata.name',
    'node.k8s.io/x',
    'openshift.io/sa.scc.uid-range',
  ])('denies %s', (key) => {
    expect(deniedKeyProblem(key)).toMatch(/reserved/);
    expect(keyProblem(key)).toBeDefined();
  });

  it.each(['team', 'example.com/role-arn', 'services.k8s.aws/owner-account-id', 'notkcp.io/x'])(
    'allows %s',
    (key) => expect(keyProblem(key)).toBeUndefined(),
  );

  it.each(['', 'a/b/c', 'Example.com/x', '-x', 'x'.repeat(64), '*', 'team*'])('rejects malformed %j', (key) =>
    expect(keyProblem(key)).toBeDefined(),
  );
});

describe('planNamespaceMetadata', () => {
  it('copies the allow-listed keys and remembers them for this workspace', () => {
    const plan = planNamespaceMetadata(
      input({
        source: {
          labels: { team: 'red', other: 'x', 'kubernetes.io/metadata.name': 'default' },
          annotations: { 'example.com/role-arn': 'arn:aws:iam::123456789012:role/red', secret: 's' },
        },
      }),
    );
    expect(plan.warning).toBeUndefined();
    expect(plan.patch).toEqual({
      metadata: {
        labels: { team: 'red' },
        annotations: {
          'example.com/role-arn': 'arn:aws:iam::123456789012:role/red',
          [MEM]: owned('ws-a', ['team'], ['example.com/role-arn']),
        },
      },
    });
  });

  it('updates a changed value and removes a key gone from the source, and nothing else', () => {
    const plan = planNamespaceMetadata(
      input({
        source: { labels: { team: 'blue' } },
        destination: {
          labels: { team: 'red', 'cost-center': '42', provider: 'p' },
          annotations: {
            'example.com/role-arn': 'arn',
            [MEM]: owned('ws-a', ['cost-center', 'team'], ['example.com/role-arn']),
          },
        },
      }),
    );
    expect(plan.patch).toEqual({
      metadata: {
        labels: { team: 'blue', 'cost-center': null },
        annotations: { 'example.com/role-arn': null, [MEM]: owned('ws-a', ['team']) },
      },
    });
  });

  it('is a no-op when in sync', () => {
    const plan = planNamespaceMetadata(
      input({
        source: { labels: { team: 'red' } },
        destination: { labels: { team: 'red' }, annotations: { [MEM]: owned('ws-a', ['team']) } },
      }),
    );
    expect(plan).toEqual({});
  });

  it('never overwrites or removes a key the provider set', () => {
    const plan = planNamespaceMetadata(
      input({
        source: { labels: { team: 'attacker', 'cost-center': '1' } },
        destination: {
          labels: { team: 'provider' },
          annotations: { 'example.com/role-arn': 'provider-arn' },
        },
      }),
    );
    expect(plan.patch).toEqual({
      metadata: { labels: { 'cost-center': '1' }, annotations: { [MEM]: owned('ws-a', ['cost-center']) } },
    });
  });

  it('ignores denied keys even when listed (e.g. by an old agent or a hand-edited object)', () => {
    const plan = planNamespaceMetadata(
      input({
        config: {
          labels: ['pod-security.kubernetes.io/enforce', 'syncagent.kcp.io/agent-name'],
          annotations: [MEM],
        },
        source: {
          labels: {
            'pod-security.kubernetes.io/enforce': 'privileged',
            'syncagent.kcp.io/agent-name': 'other',
          },
          annotations: { [MEM]: owned('ws-a', ['x']) },
        },
      }),
    );
    expect(plan.patch).toEqual({ metadata: { annotations: { [MEM]: owned('ws-a') } } });
  });

  it('does not copy invalid values and tells the consumer which', () => {
    const plan = planNamespaceMetadata(
      input({
        source: {
          labels: { team: 'no spaces allowed', 'cost-center': 'x'.repeat(64) },
          annotations: { 'example.com/role-arn': 'a'.repeat(4097) },
        },
        destination: { labels: { team: 'red' }, annotations: { [MEM]: owned('ws-a', ['team']) } },
      }),
    );
    expect(plan.patch).toEqual({
      metadata: { labels: { team: null }, annotations: { [MEM]: owned('ws-a') } },
    });
    expect(plan.warning?.reason).toBe(REASON_NAMESPACE_METADATA_INVALID);
    expect(plan.warning?.message).toContain('label team, label cost-center, annotation example.com/role-arn');
  });

  describe('a namespace shared by workspaces (attack: another workspace mapped into the same namespace)', () => {
    it('copies nothing for a second workspace, removes what was copied and marks the namespace shared', () => {
      const plan = planNamespaceMetadata(
        input({
          workspace: 'ws-attacker',
          source: { labels: { team: 'admins' }, annotations: { 'example.com/role-arn': 'arn:victim' } },
          destination: {
            labels: { team: 'red', provider: 'p' },
            annotations: {
              'example.com/role-arn': 'arn:red',
              [MEM]: owned('ws-a', ['team'], ['example.com/role-arn']),
            },
          },
        }),
      );
      expect(plan.patch).toEqual({
        metadata: {
          labels: { team: null },
          annotations: { 'example.com/role-arn': null, [MEM]: JSON.stringify({ shared: true }) },
        },
      });
      expect(plan.warning?.reason).toBe(REASON_NAMESPACE_METADATA_SHARED);
      expect(plan.warning?.message).not.toContain('ws-a');
    });

    it('copies nothing when copies of another workspace are already in the namespace', () => {
      const plan = planNamespaceMetadata(
        input({ source: { labels: { team: 'red' } }, otherWorkspaces: ['ws-a', 'ws-b'] }),
      );
      expect(plan.patch).toEqual({ metadata: { annotations: { [MEM]: JSON.stringify({ shared: true }) } } });
      expect(plan.warning?.reason).toBe(REASON_NAMESPACE_METADATA_SHARED);
    });

    it('stays shared: the first workspace does not get its metadata back', () => {
      const plan = planNamespaceMetadata(
        input({
          source: { labels: { team: 'red' } },
          destination: { annotations: { [MEM]: JSON.stringify({ shared: true }) } },
        }),
      );
      expect(plan.patch).toBeUndefined();
      expect(plan.warning?.reason).toBe(REASON_NAMESPACE_METADATA_SHARED);
    });
  });

  it('reads an unreadable marker as shared (the safe side)', () => {
    expect(parseMemory('{not json')).toEqual({ kind: 'shared' });
    expect(parseMemory('{}')).toEqual({ kind: 'shared' });
    expect(parseMemory(undefined)).toEqual({ kind: 'none' });
  });
});
