import type { AllowedNamespaces, PublishedResource, RelatedResourceSpec } from './types.js';
import { formatValidationErrors, referencePathProblem, validatePublishedResource } from './validate.js';

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

  it('rejects duplicate related identifiers (the Go agent lets them share a mutator)', () => {
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
        value: 'creds',
        message: 'duplicate identifier "creds", already used by spec.related[0]',
      },
    ]);
    expect(formatValidationErrors(pr, errs)).toBe(
      'PublishedResource "my-pr": spec.related[2].identifier: "creds": duplicate identifier "creds", already used by spec.related[0]',
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

  it('accepts the schema update policies and names an unknown one', () => {
    for (const policy of ['Always', 'CompatibleOnly', 'Never'] as const)
      expect(validatePublishedResource(base({ schemaUpdatePolicy: policy }))).toEqual([]);
    const bad = base({ schemaUpdatePolicy: 'Sometimes' as unknown as 'Always' });
    expect(validatePublishedResource(bad)).toEqual([
      {
        field: 'spec.schemaUpdatePolicy',
        value: 'Sometimes',
        message: 'must be one of Always, CompatibleOnly, Never',
      },
    ]);
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
        value: 'Not_A.DNS-Name',
        message: 'must be a lowercase RFC 1123 subdomain (e.g. example.com)',
      },
      {
        field: 'spec.projection.kind',
        value: 'Foo_Bar',
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

  it('checks the event mirror allow-list (spec.events)', () => {
    const errs = validatePublishedResource(
      base({ events: { mirror: true, allow: [{ type: 'Error', reason: 'BackOff' }] } }),
    );
    expect(errs.map((e) => e.field)).toEqual(['spec.events.allow[0].type']);
    expect(validatePublishedResource(base({ events: { mirror: true, allow: [{ reason: '*' }] } }))).toEqual(
      [],
    );
  });
});

describe('validatePublishedResource: configuration the sync would only trip over later', () => {
  const fields = (spec: Partial<PublishedResource['spec']>) =>
    validatePublishedResource(base(spec)).map((e) => [e.field, e.value]);
  const rel = (object: object, extra: object = {}) =>
    ({ identifier: 'r', origin: 'kcp', kind: 'Secret', object, ...extra }) as never;

  it('reports naming templates that do not parse and constant names that are never valid', () => {
    expect(fields({ naming: { name: '{{ .Object.metadata.name ' } })).toEqual([
      ['spec.naming.name', '{{ .Object.metadata.name '],
    ]);
    expect(fields({ naming: { namespace: 'Not_A_Namespace' } })).toEqual([
      ['spec.naming.namespace', 'Not_A_Namespace'],
    ]);
    const long = 'x'.repeat(200_000);
    expect(fields({ naming: { name: long } })).toEqual([['spec.naming.name', long]]);
    // Templates and legacy placeholders are checked when rendered, per object.
    expect(
      fields({ naming: { name: '{{ .Object.metadata.name }}', namespace: '$remoteClusterName' } }),
    ).toEqual([]);
  });

  it('reports label selectors metav1.LabelSelectorAsSelector would reject', () => {
    expect(
      fields({
        filter: {
          resource: {
            matchLabels: { app: 'bad value!' },
            matchExpressions: [
              { key: 'tier', operator: 'Like', values: ['a'] },
              { key: 'env', operator: 'In' },
              { key: 'x', operator: 'Exists', values: ['y'] },
            ],
          },
          namespace: { matchLabels: { '-bad': 'ok' } },
        },
      }),
    ).toEqual([
      ['spec.filter.namespace.matchLabels', '-bad'],
      ['spec.filter.resource.matchLabels[app]', 'bad value!'],
      ['spec.filter.resource.matchExpressions[0].operator', 'Like'],
      ['spec.filter.resource.matchExpressions[1].values', '[]'],
      ['spec.filter.resource.matchExpressions[2].values', '["y"]'],
    ]);
  });

  it('reports broken mutation steps with the field and value', () => {
    expect(
      fields({
        mutation: {
          spec: [{ regex: { path: 'spec.a', pattern: '(unclosed' } }],
          status: [
            { template: { path: 'status.a', template: '{{ .Bad ' } },
            { cel: { path: 'a', expression: '1 +' } },
          ],
        },
      }),
    ).toEqual([
      ['spec.mutation.spec[0].regex.pattern', '(unclosed'],
      ['spec.mutation.status[0].template.template', '{{ .Bad '],
      ['spec.mutation.status[1].cel.expression', '1 +'],
    ]);
  });

  it('reports related lookups that are broken: path, regex, templates, selectors', () => {
    expect(fields({ related: [rel({ reference: { path: 'spec.{' } })] })).toEqual([
      ['spec.related[0].object.reference.path', 'spec.{'],
    ]);
    expect(fields({ related: [rel({ reference: { path: 'spec..name' } })] })).toEqual([
      ['spec.related[0].object.reference.path', 'spec..name'],
    ]);
    expect(
      fields({
        related: [rel({ reference: { path: 'spec.name', regex: { pattern: '(x', replacement: 'y' } } })],
      }),
    ).toEqual([['spec.related[0].object.reference.regex.pattern', '(x']]);
    expect(
      fields({
        related: [
          rel({
            selector: {
              matchLabels: { a: '{{ .Object.metadata.name }}' },
              rewrite: { regex: { pattern: '[' } },
            },
          }),
        ],
      }),
    ).toEqual([['spec.related[0].object.selector.rewrite.regex.pattern', '[']]);
    expect(
      fields({
        related: [
          rel({
            selector: {
              matchExpressions: [{ key: 'a', operator: 'Near' }],
              rewrite: { template: { template: '{{ .Value ' } },
            },
          }),
        ],
      }),
    ).toEqual([
      ['spec.related[0].object.selector.matchExpressions[0].operator', 'Near'],
      ['spec.related[0].object.selector.rewrite.template.template', '{{ .Value '],
    ]);
    expect(fields({ related: [rel({ template: { template: '{{ end }}' } })] })).toEqual([
      ['spec.related[0].object.template.template', '{{ end }}'],
    ]);
    expect(
      fields({
        related: [
          rel({ reference: { path: 'spec.a' } }, { watch: { bySelector: { matchLabels: { k: 'v v' } } } }),
        ],
      }),
    ).toEqual([['spec.related[0].watch.bySelector.matchLabels[k]', 'v v']]);
  });

  it('accepts gjson paths with queries, escapes and modifiers', () => {
    expect(referencePathProblem('spec.secrets.#.name')).toBeUndefined();
    expect(referencePathProblem('spec.items.#(name=="a.b").value')).toBeUndefined();
    expect(referencePathProblem('metadata.annotations.example\\.com/x')).toBeUndefined();
    expect(referencePathProblem('spec.list|@reverse')).toBeUndefined();
    expect(referencePathProblem('[metadata.labels.first,metadata.labels.second]')).toBeUndefined();
    expect(referencePathProblem('spec.list|@join:{"sep":"."}')).toBeUndefined();
    expect(referencePathProblem('')).toBe('must not be empty');
    expect(referencePathProblem('spec.')).toBe('ends with an empty path component');
    expect(referencePathProblem('spec.#(a=="b"')).toBe('missing ")"');
  });

  it('shortens long values in messages', () => {
    const text = formatValidationErrors(base({}), [{ field: 'f', value: 'y'.repeat(1000), message: 'm' }]);
    expect(text).toBe(`PublishedResource "my-pr": f: "${'y'.repeat(120)}"... (1000 characters): m`);
  });
});

describe('validatePublishedResource: spec.onboarding', () => {
  const fields = (onboarding: unknown) =>
    validatePublishedResource(base({ onboarding } as Partial<PublishedResource['spec']>)).map((e) => e.field);

  it('accepts a selector with a workspace key and an optional namespace key', () => {
    expect(
      fields({
        selector: { matchLabels: { onboard: 'true' } },
        workspaceFrom: { label: 'example.com/workspace' },
        namespaceFrom: { annotation: 'example.com/namespace' },
      }),
    ).toEqual([]);
  });

  it('refuses an empty selector, which would onboard every object of the type', () => {
    expect(fields({ selector: {}, workspaceFrom: { label: 'ws' } })).toEqual(['spec.onboarding.selector']);
  });

  it('needs exactly one of label or annotation, each a valid key', () => {
    const selector = { matchLabels: { a: 'b' } };
    expect(fields({ selector, workspaceFrom: {} })).toEqual(['spec.onboarding.workspaceFrom']);
    expect(fields({ selector, workspaceFrom: { label: 'a', annotation: 'b' } })).toEqual([
      'spec.onboarding.workspaceFrom',
    ]);
    expect(fields({ selector, workspaceFrom: { label: 'not a key!' } })).toEqual([
      'spec.onboarding.workspaceFrom.label',
    ]);
    expect(fields({ selector, workspaceFrom: { label: 'ws' }, namespaceFrom: { annotation: '/x' } })).toEqual(
      ['spec.onboarding.namespaceFrom.annotation'],
    );
  });

  it('reports selectors that do not parse', () => {
    const selector = { matchExpressions: [{ key: 'a', operator: 'Sometimes' }] };
    expect(fields({ selector, workspaceFrom: { label: 'ws' } })).toEqual([
      'spec.onboarding.selector.matchExpressions[0].operator',
    ]);
  });
});

describe('validatePublishedResource: spec.namespaceMetadata', () => {
  it('accepts exact keys outside the reserved domains', () => {
    expect(
      validatePublishedResource(
        base({
          namespaceMetadata: { labels: ['team', 'cost-center'], annotations: ['example.com/role-arn'] },
        }),
      ),
    ).toEqual([]);
  });

  it('names each reserved, malformed or duplicate key', () => {
    const errs = validatePublishedResource(
      base({
        namespaceMetadata: {
          labels: ['team', 'pod-security.kubernetes.io/enforce', 'team'],
          annotations: ['syncagent.kcp.io/namespace-metadata', 'example.com/*'],
        },
      }),
    );
    expect(errs.map((e) => [e.field, e.value])).toEqual([
      ['spec.namespaceMetadata.labels[1]', 'pod-security.kubernetes.io/enforce'],
      ['spec.namespaceMetadata.labels[2]', 'team'],
      ['spec.namespaceMetadata.annotations[0]', 'syncagent.kcp.io/namespace-metadata'],
      ['spec.namespaceMetadata.annotations[1]', 'example.com/*'],
    ]);
    expect(errs[0]!.message).toMatch(/reserved/);
  });
});
