import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import {
  addedClaimsMessage,
  groupResourceKey,
  mergePermissionClaims,
  mergeResourceSchemas,
  parseSchemaName,
  planPermissionClaims,
  claimableWithoutIdentity,
  requiredPermissionClaims,
  resolveSchemaNames,
  schemaChangeMessages,
} from './apiexport.js';

const pr = (
  name: string,
  spec: Partial<PublishedResource['spec']> = {},
  status?: string,
): PublishedResource => ({
  metadata: { name },
  spec: { resource: { apiGroup: 'example.com', kind: 'CronTab' }, ...spec },
  ...(status ? { status: { resourceSchemaName: status } } : {}),
});

describe('schema names', () => {
  it('splits at the first two dots', () => {
    expect(parseSchemaName('v1a2b3c4d.crontabs.kcp.example.com')).toEqual({
      version: 'v1a2b3c4d',
      resource: 'crontabs',
      group: 'kcp.example.com',
    });
    expect(groupResourceKey('v1.configmaps.')).toBe('configmaps');
    expect(groupResourceKey('broken')).toBe('');
    expect(() => parseSchemaName('v1.crontabs')).toThrow('invalid schema name');
  });
});

describe('mergeResourceSchemas', () => {
  it('replaces managed group/resources, keeps foreign ones, sorts by group/resource', () => {
    const merged = mergeResourceSchemas(
      ['v0.crontabs.example.com', 'v1.fakes.example.com', 'v9.apples.example.com'],
      ['vabc.crontabs.example.com', 'vdef.widgets.example.com'],
    );
    expect(merged).toEqual([
      'v9.apples.example.com',
      'vabc.crontabs.example.com',
      'v1.fakes.example.com',
      'vdef.widgets.example.com',
    ]);
  });
});

describe('resolveSchemaNames', () => {
  it('uses status, computes the rest, and reports failures without blocking the others', () => {
    const res = resolveSchemaNames([pr('a', {}, 'v1.as.x'), pr('b'), pr('c')], (p) => {
      if (p.metadata.name === 'c') throw new Error('could not find CronTab.example.com in APIs');
      return 'v2.bs.x';
    });
    expect(res.map((r) => [r.pr.metadata.name, r.schemaName, r.ready, r.error?.message])).toEqual([
      ['a', 'v1.as.x', true, undefined],
      ['b', 'v2.bs.x', false, undefined],
      ['c', undefined, false, 'could not find CronTab.example.com in APIs'],
    ]);
  });
});

describe('permission claims', () => {
  it('needs only events without filters or related resources', () => {
    const required = requiredPermissionClaims([pr('a')], ['v1.crontabs.example.com']);
    const { claims, added } = mergePermissionClaims([], required);
    expect(claims).toEqual([{ resource: 'events', all: true }]);
    expect(addedClaimsMessage(added)).toBe('Added new permission claim(s) for all events.');
  });

  it('claims related configmaps/secrets, namespaces and logical clusters, sorted', () => {
    const a = pr('a', {
      enableWorkspacePaths: true,
      related: [
        { identifier: 'cm', origin: 'kcp', kind: 'ConfigMap', object: {} },
        { identifier: 'sec', origin: 'service', kind: 'Secret', object: {} },
        {
          identifier: 'own',
          origin: 'kcp',
          group: 'example.com',
          version: 'v1',
          resource: 'crontabs',
          object: {},
        },
        {
          identifier: 'foreign',
          origin: 'service',
          group: 'db.io',
          version: 'v1',
          resource: 'dbs',
          identityHash: 'h1',
          projection: { group: 'kcpdb.io', resource: 'databases' },
          object: {},
        },
      ],
    });
    const { claims, added } = mergePermissionClaims(
      [
        { resource: 'events', all: true },
        { group: 'admin.io', resource: 'things', all: true },
      ],
      requiredPermissionClaims([a], ['v1.crontabs.example.com']),
    );
    expect(claims).toEqual([
      { resource: 'configmaps', all: true },
      { resource: 'events', all: true },
      { resource: 'namespaces', all: true },
      { resource: 'secrets', all: true },
      { group: 'admin.io', resource: 'things', all: true },
      { group: 'core.kcp.io', resource: 'logicalclusters', all: true },
      { group: 'kcpdb.io', resource: 'databases', all: true, identityHash: 'h1' },
    ]);
    expect(addedClaimsMessage(added)).toBe(
      'Added new permission claim(s) for all configmaps, namespaces, secrets, core.kcp.io/logicalclusters, kcpdb.io/databases.',
    );
  });

  it('does not count a claim with a resource selector as present', () => {
    const { added } = mergePermissionClaims(
      [{ resource: 'events', all: false, resourceSelector: [{ name: 'x' }] }],
      requiredPermissionClaims([pr('a')], []),
    );
    expect(added).toEqual([{ resource: 'events', all: true }]);
  });

  it('claims namespaces when a namespace filter is set', () => {
    const required = requiredPermissionClaims(
      [pr('a', { filter: { namespace: { matchLabels: { a: 'b' } } } })],
      [],
    );
    expect(required.map((c) => c.resource).sort()).toEqual(['events', 'namespaces']);
  });

  it('claims namespaces when namespace metadata is copied', () => {
    const required = requiredPermissionClaims([pr('a', { namespaceMetadata: { labels: ['team'] } })], []);
    expect(required.map((c) => c.resource).sort()).toEqual(['events', 'namespaces']);
  });
});

describe('planPermissionClaims: claims kcp would reject', () => {
  const rel = (identifier: string, extra: object) =>
    ({ identifier, origin: 'kcp', version: 'v1', object: {}, ...extra }) as never;

  it('knows which APIs kcp accepts without an identity hash', () => {
    expect(claimableWithoutIdentity('', 'secrets')).toBe(true);
    expect(claimableWithoutIdentity('rbac.authorization.k8s.io', 'roles')).toBe(true);
    expect(claimableWithoutIdentity('apis.kcp.io', 'anything')).toBe(true);
    expect(claimableWithoutIdentity('apiextensions.k8s.io', 'customresourcedefinitions')).toBe(true);
    expect(claimableWithoutIdentity('', 'limitranges')).toBe(false);
    // Accepted by kcp v0.32 only: claiming it without identityHash would block the export on v0.30.
    expect(claimableWithoutIdentity('admissionregistration.k8s.io', 'mutatingadmissionpolicies')).toBe(false);
    // Not served by kcp at all, so not built in, even though they are Kubernetes APIs.
    expect(claimableWithoutIdentity('', 'pods')).toBe(false);
    expect(claimableWithoutIdentity('apps', 'deployments')).toBe(false);
    expect(claimableWithoutIdentity('things.example.com', 'things')).toBe(false);
  });

  it('leaves out a non-built-in claim without identityHash and names the field and value', () => {
    const bad = pr('bad', {
      related: [
        rel('cm', { kind: 'ConfigMap' }),
        rel('thing', { group: 'things.example.com', resource: 'things' }),
      ],
    });
    const good = pr('good', {
      related: [rel('db', { group: 'db.io', resource: 'dbs', identityHash: 'h1' })],
    });
    const plan = planPermissionClaims([bad, good], ['v1.crontabs.example.com']);
    expect(plan.required.map(claimLabelOf).sort()).toEqual([
      'configmaps',
      'db.io/dbs',
      'events',
      'namespaces',
    ]);
    expect(plan.rejected).toEqual([
      {
        pr: 'bad',
        field: 'spec.related[1].identityHash',
        value: 'things.example.com/things',
        message: expect.stringContaining(
          '"things.example.com/things", which is not a kcp built-in API',
        ) as string,
      },
    ]);
    expect(requiredPermissionClaims([bad, good], [])).toEqual(plan.required);
  });

  it('needs no claim (and rejects none) for a related type the export itself publishes', () => {
    const p = pr('p', { related: [rel('own', { group: 'example.com', resource: 'crontabs' })] });
    expect(planPermissionClaims([p], ['v1.crontabs.example.com']).rejected).toEqual([]);
  });

  it('uses the projected group of a service-origin related resource', () => {
    const p = pr('p', {
      related: [
        rel('s', {
          origin: 'service',
          group: 'db.io',
          resource: 'dbs',
          projection: { group: '', resource: 'configmaps' },
        }),
      ],
    });
    // An empty projection group keeps the original group (db.io).
    expect(planPermissionClaims([p], []).rejected.map((r) => r.value)).toEqual(['db.io/configmaps']);
  });
});

const claimLabelOf = (c: { group: string; resource: string }) =>
  c.group ? `${c.group}/${c.resource}` : c.resource;

describe('schema change events', () => {
  it('lists added and removed schemas sorted', () => {
    expect(schemaChangeMessages(['v1.b.x', 'v1.a.x'], ['v2.b.x', 'v1.a.x', 'v0.c.x'])).toEqual({
      added: 'Added new resource schema(s) v0.c.x, v2.b.x.',
      removed: 'Removed resource schema(s) v1.b.x.',
    });
  });
});
