import type { AllowedNamespaces, PublishedResource, RelatedResourceSpec } from './types.js';
import { formatValidationErrors, validatePublishedResource } from './validate.js';

const base = (spec: Partial<PublishedResource['spec']>): PublishedResource => ({
  metadata: { name: 'my-pr' },
  spec: { resource: { apiGroup: 'example.com', kind: 'CronTab' }, ...spec },
});

describe('validatePublishedResource', () => {
  it('accepts a well-formed object', () => {
    expect(
      validatePublishedResource(
        base({
          mutation: { spec: [{ delete: { path: 'spec.x' } }] },
          related: [
            {
              identifier: 'a',
              origin: 'kcp',
              kind: 'Secret',
              object: { reference: { path: 'spec.secretName' } },
            },
            {
              identifier: 'b',
              origin: 'service',
              kind: 'ConfigMap',
              object: { template: { template: 'x' }, namespace: { template: { template: 'ns' } } },
            },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('rejects duplicate related identifiers (decision #16)', () => {
    const pr = base({
      related: [
        { identifier: 'creds', origin: 'kcp', kind: 'Secret', object: { template: { template: 'a' } } },
        { identifier: 'other', origin: 'kcp', kind: 'Secret', object: { template: { template: 'b' } } },
        { identifier: 'creds', origin: 'kcp', kind: 'Secret', object: { template: { template: 'c' } } },
      ],
    });
    const errs = validatePublishedResource(pr);
    expect(errs).toEqual([
      {
        field: 'spec.related[2].identifier',
        message: 'duplicate identifier "creds", already used by spec.related[0]',
      },
    ]);
    expect(formatValidationErrors(pr, errs)).toBe(
      'PublishedResource "my-pr": spec.related[2].identifier: duplicate identifier "creds", already used by spec.related[0]',
    );
  });

  it('requires exactly one mechanism per mutation step and per object lookup', () => {
    const errs = validatePublishedResource(
      base({
        mutation: { status: [{}, { delete: { path: 'a' }, regex: { path: 'a' } }] },
        related: [
          {
            identifier: 'x',
            origin: 'kcp',
            kind: 'Secret',
            object: { template: { template: 'a' }, reference: { path: 'b' }, namespace: {} },
            mutation: {
              spec: [{ cel: { path: 'a', expression: '1' }, template: { path: 'a', template: 'b' } }],
            },
          },
        ],
      }),
    );
    expect(errs.map((e) => e.field)).toEqual([
      'spec.mutation.status[0]',
      'spec.mutation.status[1]',
      'spec.related[0].object',
      'spec.related[0].object.namespace',
      'spec.related[0].mutation.spec[0]',
    ]);
    expect(errs[1]!.message).toBe(
      'exactly one of delete, regex, template or cel must be set, found delete, regex',
    );
  });

  it('rejects version with versions, and projected version collisions', () => {
    const errs = validatePublishedResource(
      base({
        resource: { apiGroup: 'example.com', kind: 'CronTab', version: 'v1', versions: ['v1'] },
        projection: { version: 'v2', versions: { v1: 'v3', v2: 'v3' } },
      }),
    );
    expect(errs.map((e) => e.field)).toEqual([
      'spec.resource.versions',
      'spec.projection.versions',
      'spec.projection.versions[v2]',
    ]);
  });

  it('names projected groups and plurals that cannot form an APIResourceSchema name', () => {
    const errs = validatePublishedResource(
      base({ projection: { group: 'Not_A.DNS-Name', kind: 'Foo_Bar' } }),
    );
    expect(errs).toEqual([
      {
        field: 'spec.projection.group',
        message: 'must be a lowercase RFC 1123 subdomain (e.g. example.com)',
      },
      {
        field: 'spec.projection.kind',
        message: 'the plural name "foo_bars" must be a lowercase RFC 1123 label',
      },
    ]);
    expect(
      validatePublishedResource(base({ projection: { group: 'kcp.example.com', plural: 'feet' } })),
    ).toEqual([]);
  });

  it('checks related allowedNamespaces (names and selector)', () => {
    const rel = (allowedNamespaces: AllowedNamespaces): RelatedResourceSpec => ({
      identifier: 'creds',
      origin: 'service',
      kind: 'Secret',
      object: { template: { template: 'x' } },
      allowedNamespaces,
    });
    const errs = validatePublishedResource(
      base({
        related: [
          rel({ names: ['shared', 'Bad_NS', '..'] }),
          rel({ selector: { matchExpressions: [{ key: 'a', operator: 'Sometimes' }] } }),
        ].map((r, i) => ({ ...r, identifier: `r${i}` })),
      }),
    );
    expect(errs.map((e) => e.field)).toEqual([
      'spec.related[0].allowedNamespaces.names[1]',
      'spec.related[0].allowedNamespaces.names[2]',
      'spec.related[1].allowedNamespaces.selector',
    ]);
    expect(errs[0]!.message).toBe('"Bad_NS" is not a namespace name');
    expect(
      validatePublishedResource(
        base({ related: [rel({ names: ['a'], selector: { matchLabels: { t: 'y' } } })] }),
      ),
    ).toEqual([]);
  });
});
