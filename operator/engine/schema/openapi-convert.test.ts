import { OpenAPIModels, convertModel } from './openapi-convert.js';
import { retrieveSourceSchema } from './source-schema.js';
import type { DiscoveryData } from './discovery.js';

const doc = {
  definitions: {
    'io.example.v1.Widget': {
      description: 'Widget is a thing.',
      type: 'object',
      required: ['spec'],
      'x-kubernetes-group-version-kind': [{ group: 'example.io', version: 'v1', kind: 'Widget' }],
      properties: {
        metadata: {
          $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
          description: 'meta',
        },
        spec: { $ref: '#/definitions/io.example.v1.WidgetSpec', description: 'The spec.' },
      },
    },
    'io.example.v1.WidgetSpec': {
      description: 'WidgetSpec describes a widget.',
      type: 'object',
      properties: {
        ports: {
          type: 'array',
          items: { $ref: '#/definitions/io.k8s.api.core.v1.ContainerPort' },
          'x-kubernetes-patch-merge-key': 'containerPort',
          'x-kubernetes-patch-strategy': 'merge',
        },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' },
        finalizers: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'retainKeys' },
        keyed: {
          type: 'array',
          items: { $ref: '#/definitions/io.k8s.api.core.v1.ContainerPort' },
          'x-kubernetes-patch-merge-key': 'name',
        },
        labels: { type: 'object', additionalProperties: { type: 'string', description: 'a label value' } },
        free: { type: 'object', description: 'anything' },
        size: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' },
        port: {
          $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString',
          description: 'the port',
        },
        when: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time' },
        template: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        raw: { description: 'untyped', 'x-kubernetes-preserve-unknown-fields': true },
        count: { type: 'integer', format: 'int32' },
      },
    },
    'io.k8s.api.core.v1.ContainerPort': {
      description: 'ContainerPort is a port.',
      type: 'object',
      required: ['containerPort'],
      properties: {
        containerPort: { type: 'integer', format: 'int32' },
        name: { type: 'string' },
        protocol: { type: 'string', description: 'Protocol, default TCP.' },
      },
    },
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
      type: 'object',
      properties: { name: { type: 'string' } },
    },
    'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string', description: 'Quantity is a number.' },
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
    'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
    'io.example.v1.Loop': {
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: 'example.io', version: 'v1', kind: 'Loop' }],
      properties: { next: { $ref: '#/definitions/io.example.v1.Loop' } },
    },
  },
};

describe('OpenAPI v2 → JSONSchemaProps', () => {
  const models = new OpenAPIModels(doc);
  const { schema, errors } = convertModel(models, 'io.example.v1.Widget');
  const spec = schema.properties!.spec!;
  const p = spec.properties!;

  it('converts kinds, top-level metadata and descriptions', () => {
    expect(errors).toEqual([]);
    expect(schema.description).toBe('Widget is a thing.');
    expect(schema.required).toEqual(['spec']);
    expect(schema.properties!.metadata).toEqual({ type: 'object' });
    expect(spec.description).toBe('The spec.');
    expect(p.count).toEqual({ type: 'integer', format: 'int32' });
  });

  it('derives list types and map keys from patch strategies', () => {
    expect(p.ports!['x-kubernetes-list-type']).toBe('map');
    expect(p.ports!['x-kubernetes-list-map-keys']).toEqual(['containerPort']);
    const item = p.ports!.items as Record<string, any>;
    expect(item.description).toBe('ContainerPort is a port.');
    // map keys become required, minus fields with a default (protocol defaults to TCP)
    expect(item.required).toEqual(['containerPort']);
    expect(item.properties.protocol).toEqual({
      type: 'string',
      description: 'Protocol, default TCP.',
      default: 'TCP',
    });
    expect(p.tags!['x-kubernetes-list-type']).toBe('set');
    expect(p.finalizers!['x-kubernetes-list-type']).toBe('atomic');
    expect(p.keyed!['x-kubernetes-list-type']).toBe('map');
    expect((p.keyed!.items as Record<string, any>).required).toEqual(['containerPort', 'name']);
  });

  it('converts maps, untyped values and well-known types', () => {
    // a map without its own description takes its element's (kube-openapi's SubType description)
    expect(p.labels).toEqual({
      type: 'object',
      description: 'a label value',
      additionalProperties: { type: 'string', description: 'a label value' },
    });
    expect(p.free).toEqual({
      type: 'object',
      description: 'anything',
      additionalProperties: { description: 'anything', 'x-kubernetes-embedded-resource': true },
    });
    expect(p.size!['x-kubernetes-int-or-string']).toBe(true);
    expect(p.size!.description).toBeUndefined();
    expect(p.port).toEqual({
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      'x-kubernetes-int-or-string': true,
      description: 'the port',
    });
    expect(p.when).toEqual({ type: 'string', format: 'date-time' });
    expect(p.template).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(p.raw).toEqual({
      description: 'untyped',
      'x-kubernetes-embedded-resource': true,
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  it('rejects recursive schemas', () => {
    const r = convertModel(models, 'io.example.v1.Loop');
    expect(r.errors.map((e) => e.message)).toEqual([
      'recursive schema are not supported: io.example.v1.Loop',
    ]);
  });
});

describe('retrieveSourceSchema without a CRD', () => {
  const discovery: DiscoveryData = {
    groups: [
      {
        name: 'example.io',
        versions: [{ groupVersion: 'example.io/v1', version: 'v1' }],
        preferredVersion: { groupVersion: 'example.io/v1', version: 'v1' },
      },
    ],
    resourceLists: [
      {
        groupVersion: 'example.io/v1',
        resources: [
          { name: 'widgets', singularName: '', namespaced: true, kind: 'Widget', shortNames: ['wd'] },
          { name: 'widgets/status', namespaced: true, kind: 'Widget' },
          { name: 'widgets/scale', namespaced: true, kind: 'Scale' },
          { name: 'loops', namespaced: false, kind: 'Loop' },
        ],
      },
    ],
  };

  it('builds a CRD from discovery and the model', () => {
    const crd = retrieveSourceSchema({
      group: 'example.io',
      kind: 'Widget',
      discovery,
      crd: null,
      openAPI: doc,
    });
    expect(crd.metadata).toEqual({ name: 'widgets.example.io' });
    expect(crd.spec.names).toEqual({
      plural: 'widgets',
      singular: 'widget',
      shortNames: ['wd'],
      kind: 'Widget',
      listKind: 'WidgetList',
      categories: undefined,
    });
    expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage, v.subresources])).toEqual([
      ['v1', true, true, { status: {} }],
    ]);
    expect(crd.spec.conversion).toEqual({ strategy: 'None' });
    expect(crd.status?.storedVersions).toEqual(['v1']);
  });

  it('fails like the Go agent', () => {
    expect(() =>
      retrieveSourceSchema({ group: 'example.io', kind: 'Gadget', discovery, crd: null, openAPI: doc }),
    ).toThrow('could not find Gadget.example.io in APIs');
    expect(() =>
      retrieveSourceSchema({ group: 'example.io', kind: 'Loop', discovery, crd: null, openAPI: doc }),
    ).toThrow('recursive schema are not supported: io.example.v1.Loop');
    const noModel = { definitions: {} };
    expect(() =>
      retrieveSourceSchema({ group: 'example.io', kind: 'Widget', discovery, crd: null, openAPI: noModel }),
    ).toThrow('no models for example.io/v1, Kind=Widget');
  });
});
