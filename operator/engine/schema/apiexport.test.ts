import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import {
  addedClaimsMessage,
  groupResourceKey,
  mergePermissionClaims,
  mergeResourceSchemas,
  parseSchemaName,
  requiredPermissionClaims,
  resolveSchemaNames,
  resolveSchemaNamesAsync,
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

describe('mergeResourceSchemas (SPEC §4.2.3)', () => {
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

describe('resolveSchemaNames (decision #9)', () => {
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

describe('resolveSchemaNamesAsync', () => {
  it('gives the same results with an async compute', async () => {
    const res = await resolveSchemaNamesAsync([pr('a', {}, 'v1.as.x'), pr('b'), pr('c')], async (p) => {
      if (p.metadata.name === 'c') throw new Error('boom');
      return 'v2.bs.x';
    });
    expect(res.map((r) => [r.schemaName, r.ready, r.error?.message])).toEqual([
      ['v1.as.x', true, undefined],
      ['v2.bs.x', false, undefined],
      [undefined, false, 'boom'],
    ]);
  });
});

describe('permission claims (SPEC §4.2.4)', () => {
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
});

describe('schema change events', () => {
  it('lists added and removed schemas sorted', () => {
    expect(schemaChangeMessages(['v1.b.x', 'v1.a.x'], ['v2.b.x', 'v1.a.x', 'v0.c.x'])).toEqual({
      added: 'Added new resource schema(s) v0.c.x, v2.b.x.',
      removed: 'Removed resource schema(s) v1.b.x.',
    });
  });
});
