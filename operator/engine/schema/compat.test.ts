import { compareSchemas, formatSchemaChanges, type SchemaChange, type SchemaSpec } from './compat.js';
import type { JSONSchemaProps } from './types.js';

/** A one-version schema whose `spec` object has the given properties. */
function schema(specProps: JSONSchemaProps, patch: Partial<SchemaSpec> = {}): SchemaSpec {
  return {
    group: 'kcp.example.com',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { type: 'object', properties: { spec: { type: 'object', ...specProps } } },
      },
    ],
    ...patch,
  };
}

const base: JSONSchemaProps = {
  required: ['cronSpec'],
  properties: {
    cronSpec: { type: 'string', pattern: '^\\S+$', maxLength: 100 },
    replicas: { type: 'integer', minimum: 1, maximum: 10 },
    mode: { type: 'string', enum: ['Fast', 'Slow'] },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

/** `base` with `fn` applied to a copy. */
function changed(fn: (s: JSONSchemaProps) => void): SchemaSpec {
  const s = structuredClone(base);
  fn(s);
  return schema(s);
}

const only = (changes: SchemaChange[]) => changes.map((c) => [c.path, c.breaking, c.reason]);
const P = 'versions[v1].spec';

describe('compareSchemas', () => {
  it('finds nothing between equal schemas, ignoring documentation', () => {
    expect(compareSchemas(schema(base), schema(base))).toEqual([]);
    const documented = changed((s) => {
      s.description = 'new words';
      s.properties!.mode!.default = 'Fast';
      s.properties!.mode!.example = 'Slow';
    });
    expect(compareSchemas(schema(base), documented)).toEqual([]);
  });

  it('calls an added optional field compatible', () => {
    const next = changed((s) => (s.properties!.note = { type: 'string' }));
    expect(only(compareSchemas(schema(base), next))).toEqual([[`${P}.note`, false, 'optional field added']]);
  });

  it('calls a removed field breaking, unless unknown fields are preserved there', () => {
    const next = changed((s) => delete s.properties!.mode);
    expect(only(compareSchemas(schema(base), next))).toEqual([[`${P}.mode`, true, 'field removed']]);
    const kept = changed((s) => {
      delete s.properties!.mode;
      s['x-kubernetes-preserve-unknown-fields'] = true;
    });
    expect(compareSchemas(schema(base), kept).filter((c) => c.breaking)).toEqual([]);
  });

  it('calls a new required field and a field becoming required breaking', () => {
    const next = changed((s) => {
      s.properties!.owner = { type: 'string' };
      s.required!.push('owner', 'mode');
    });
    expect(only(compareSchemas(schema(base), next))).toEqual([
      [`${P}.owner`, true, 'new required field'],
      [`${P}.mode`, true, 'field became required'],
    ]);
  });

  it('calls a field no longer required compatible', () => {
    const next = changed((s) => (s.required = []));
    expect(only(compareSchemas(schema(base), next))).toEqual([
      [`${P}.cronSpec`, false, 'field no longer required'],
    ]);
  });

  it('classifies type changes', () => {
    const toString = changed((s) => (s.properties!.replicas!.type = 'string'));
    expect(only(compareSchemas(schema(base), toString))[0]).toEqual([
      `${P}.replicas`,
      true,
      'type changed from integer to string',
    ]);
    const toNumber = changed((s) => (s.properties!.replicas!.type = 'number'));
    expect(only(compareSchemas(schema(base), toNumber))).toEqual([
      [`${P}.replicas`, false, 'type widened from integer to number'],
    ]);
    const dropped = changed((s) => delete s.properties!.mode!.type);
    expect(compareSchemas(schema(base), dropped)[0]).toMatchObject({ breaking: true });
  });

  it('classifies enum changes', () => {
    const removed = changed((s) => (s.properties!.mode!.enum = ['Fast']));
    expect(only(compareSchemas(schema(base), removed))).toEqual([
      [`${P}.mode`, true, 'enum value "Slow" removed'],
    ]);
    const widened = changed((s) => (s.properties!.mode!.enum = ['Fast', 'Slow', 'Off']));
    expect(only(compareSchemas(schema(base), widened))).toEqual([
      [`${P}.mode`, false, 'enum value "Off" added'],
    ]);
    const gone = changed((s) => delete s.properties!.mode!.enum);
    expect(only(compareSchemas(schema(base), gone))).toEqual([
      [`${P}.mode`, false, 'enum restriction removed'],
    ]);
    const introduced = changed((s) => (s.properties!.cronSpec!.enum = ['* * * * *']));
    expect(compareSchemas(schema(base), introduced)[0]).toMatchObject({
      path: `${P}.cronSpec`,
      breaking: true,
    });
  });

  it('classifies bounds by direction', () => {
    const tighter = changed((s) => {
      s.properties!.replicas!.minimum = 2;
      s.properties!.replicas!.maximum = 5;
      s.properties!.cronSpec!.minLength = 3;
      s.properties!.tags!.maxItems = 3;
    });
    expect(
      compareSchemas(schema(base), tighter)
        .map((c) => `${c.path} ${c.breaking}`)
        .sort(),
    ).toEqual([`${P}.cronSpec true`, `${P}.replicas true`, `${P}.replicas true`, `${P}.tags true`]);
    const looser = changed((s) => {
      s.properties!.replicas!.minimum = 0;
      delete s.properties!.replicas!.maximum;
      s.properties!.cronSpec!.maxLength = 200;
    });
    expect(compareSchemas(schema(base), looser).every((c) => !c.breaking)).toBe(true);
    const exclusive = changed((s) => (s.properties!.replicas!.exclusiveMinimum = true));
    expect(compareSchemas(schema(base), exclusive)[0]).toMatchObject({ breaking: true });
  });

  it('calls a changed or added pattern breaking and a removed one compatible', () => {
    const other = changed((s) => (s.properties!.cronSpec!.pattern = '^[a-z]+$'));
    expect(compareSchemas(schema(base), other)[0]).toMatchObject({ path: `${P}.cronSpec`, breaking: true });
    const none = changed((s) => delete s.properties!.cronSpec!.pattern);
    expect(only(compareSchemas(schema(base), none))).toEqual([[`${P}.cronSpec`, false, 'pattern removed']]);
  });

  it('walks into items and additionalProperties', () => {
    const items = changed((s) => (s.properties!.tags!.items = { type: 'integer' }));
    expect(compareSchemas(schema(base), items)[0]).toMatchObject({ path: `${P}.tags[*]`, breaking: true });
    const values = changed(
      (s) => (s.properties!.labels!.additionalProperties = { type: 'string', maxLength: 5 }),
    );
    expect(compareSchemas(schema(base), values)[0]).toMatchObject({ path: `${P}.labels.*`, breaking: true });
    const closed = changed((s) => (s.properties!.labels!.additionalProperties = false));
    expect(compareSchemas(schema(base), closed)[0]).toMatchObject({ breaking: true });
  });

  it('calls new CEL rules, unique items, pruning and lost nullability breaking', () => {
    const next = changed((s) => {
      s['x-kubernetes-validations'] = [{ rule: 'self.replicas < 5' }];
      s.properties!.tags!.uniqueItems = true;
    });
    expect(compareSchemas(schema(base), next).map((c) => c.breaking)).toEqual([true, true]);
    const pruned = schema(base);
    const preserving = schema({ ...base, 'x-kubernetes-preserve-unknown-fields': true, nullable: true });
    expect(compareSchemas(preserving, pruned).map((c) => c.reason)).toEqual([
      'no longer nullable',
      'unknown fields are now pruned',
    ]);
    expect(compareSchemas(pruned, preserving).every((c) => !c.breaking)).toBe(true);
  });

  it('calls an unknown keyword that changed breaking', () => {
    const next = changed((s) => (s.properties!.mode!.oneOf = [{ required: ['x'] }]));
    expect(compareSchemas(schema(base), next)[0]).toMatchObject({ path: `${P}.mode`, breaking: true });
  });

  it('quotes field names that are not identifiers', () => {
    const next = changed((s) => (s.properties!['app.kubernetes.io/name'] = { type: 'string' }));
    expect(compareSchemas(schema(base), next)[0]!.path).toBe(`${P}["app.kubernetes.io/name"]`);
  });

  describe('versions, scope and names', () => {
    const two = (
      v1: Partial<SchemaSpec['versions'][number]> = {},
      v2?: Partial<SchemaSpec['versions'][number]>,
    ) => {
      const s = schema(base);
      s.versions[0] = { ...s.versions[0]!, ...v1 };
      if (v2) s.versions.push({ ...structuredClone(s.versions[0]!), name: 'v2', storage: false, ...v2 });
      return s;
    };

    it('calls an added version compatible and a removed one breaking', () => {
      expect(only(compareSchemas(two(), two({}, {})))).toEqual([['versions[v2]', false, 'version added']]);
      expect(only(compareSchemas(two({}, {}), two()))).toEqual([['versions[v2]', true, 'version removed']]);
    });

    it('calls an unserved version breaking and a storage move breaking', () => {
      expect(only(compareSchemas(two({}, {}), two({}, { served: false })))).toEqual([
        ['versions[v2]', true, 'version no longer served'],
      ]);
      const moved = compareSchemas(two({}, {}), two({ storage: false }, { storage: true }));
      expect(moved).toEqual([expect.objectContaining({ path: 'spec.versions', breaking: true })]);
    });

    it('calls a removed status subresource breaking', () => {
      expect(only(compareSchemas(two(), two({ subresources: {} })))).toEqual([
        ['versions[v1].subresources.status', true, 'status subresource removed'],
      ]);
    });

    it('calls a scope change and a renamed kind breaking, a new short name compatible', () => {
      const cluster = schema(base, { scope: 'Cluster' });
      expect(only(compareSchemas(schema(base), cluster))).toEqual([
        ['spec.scope', true, 'scope changed from Namespaced to Cluster'],
      ]);
      const renamed = schema(base, {
        names: {
          plural: 'crontabs',
          singular: 'crontab',
          kind: 'Crontab',
          listKind: 'CronTabList',
          shortNames: ['ct'],
        },
      });
      expect(only(compareSchemas(schema(base), renamed))).toEqual([
        ['spec.names.kind', true, 'kind changed from "CronTab" to "Crontab"'],
        ['spec.names.shortNames', false, '"ct" added'],
      ]);
    });
  });

  it('formats changes as path: reason', () => {
    expect(
      formatSchemaChanges([
        { path: 'a', breaking: true, reason: 'field removed' },
        { path: 'b', breaking: false, reason: 'optional field added' },
      ]),
    ).toBe('a: field removed; b: optional field added');
  });
});
