import { readFileSync } from 'node:fs';
import {
  compileNaming,
  configProblemEvent,
  configProblemOf,
  InvalidLocalNameError,
  renderLegacyPattern,
  NamingError,
  validateLocalName,
} from './index.js';

interface LegacyCase {
  pattern: string;
  clusterName: string;
  namespace: string;
  name: string;
  want: { out: string };
}

const legacy = JSON.parse(
  readFileSync(new URL('./testdata/legacy-naming.golden.json', import.meta.url), 'utf8'),
) as LegacyCase[];

describe('legacy $variable naming (golden, Go strings.NewReplacer)', () => {
  it.each(legacy.map((c, i) => [i, c.pattern, c] as const))('case %i: %s', (_i, _p, c) => {
    expect(renderLegacyPattern(c.pattern, c)).toBe(c.want.out);
  });
});

const obj = { metadata: { namespace: 'objnamespace', name: 'objname' }, spec: { n: 3, ratio: 1.5 } };
const ctx = { object: obj, clusterName: 'testcluster', clusterPath: 'root:org:ws' };

describe('compileNaming', () => {
  it('default vectors of the Go agent', () => {
    const n = compileNaming(undefined);
    expect(n.namespace(ctx)).toBe('testcluster');
    expect(n.name(ctx)).toBe('2928c2aa0e510f017f07-73d08a1ba188f1340dae');
    expect(compileNaming({ name: '', namespace: '' }).name(ctx)).toBe(
      '2928c2aa0e510f017f07-73d08a1ba188f1340dae',
    );
  });

  it('the default fast path equals the template engine', () => {
    const viaTemplate = compileNaming({
      name: '{{ .Object.metadata.namespace | sha3short }}-{{ .Object.metadata.name | sha3short }} ',
    });
    expect(viaTemplate.name(ctx)).toBe(compileNaming(null).name(ctx));
  });

  it('cluster-scoped remote objects get sha3short("") as the namespace part', () => {
    const cluster = { object: { metadata: { name: 'objname' } }, clusterName: 'c', clusterPath: '' };
    expect(compileNaming(null).name(cluster)).toBe('a7ffc6f8bf1ed76651c1-73d08a1ba188f1340dae');
    // an explicit template keeps Go's behaviour
    expect(() =>
      compileNaming({ name: '{{ .Object.metadata.namespace | sha3short }}' }).name(cluster),
    ).toThrow(NamingError);
  });

  it('renders Go templates with Object, ClusterName, ClusterPath, trimmed', () => {
    const n = compileNaming({
      name: '  {{ .Object.metadata.name }}-{{ .Object.spec.n }}-{{ .Object.spec.ratio }}\n',
      namespace: '{{ .ClusterPath | replace ":" "-" }}',
    });
    expect(n.name(ctx)).toBe('objname-3-1.5');
    expect(n.namespace(ctx)).toBe('root-org-ws');
    expect(compileNaming({ name: '{{ .Object.spec.missing }}' }).name(ctx)).toBe('<no value>');
  });

  it('uses legacy patterns (not trimmed) when there is no {{', () => {
    const n = compileNaming({ name: '$remoteName', namespace: 'synced-$remoteNamespace ' });
    expect(n.name(ctx)).toBe('objname');
    expect(n.namespace(ctx)).toBe('synced-objnamespace ');
  });

  it("errors carry the field and Go's wording", () => {
    expect(() => compileNaming({ name: '{{ .Object.metadata.name ' })).toThrow(
      /^invalid name naming: failed to parse: template: inline:1:/,
    );
    const n = compileNaming({ namespace: '{{ .Nope }}' });
    try {
      n.namespace(ctx);
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(NamingError);
      expect((e as NamingError).field).toBe('namespace');
      expect((e as Error).message).toBe(
        'invalid namespace naming: failed to evaluate: template: inline:1:3: executing "inline" at <.Nope>: can\'t evaluate field Nope in type templating.localObjectNamingContext',
      );
    }
  });
});

interface NamingCase {
  naming: { name?: string; namespace?: string };
  object: string;
  clusterName: string;
  clusterPath: string;
  want: { name?: string; namespace?: string; error?: string };
}

const namingGolden = JSON.parse(
  readFileSync(new URL('./testdata/naming.golden.json', import.meta.url), 'utf8'),
) as NamingCase[];

function runNaming(c: NamingCase): NamingCase['want'] {
  try {
    const n = compileNaming(c.naming);
    const nctx = {
      object: JSON.parse(c.object) as Record<string, unknown>,
      clusterName: c.clusterName,
      clusterPath: c.clusterPath,
    };
    const namespace = n.namespace(nctx);
    return { namespace, name: n.name(nctx) };
  } catch (e) {
    if (!(e instanceof NamingError)) throw e;
    // Go renders the namespace before the name: a name parse error surfaces only after it
    return { error: e.message };
  }
}

/** The default name of a cluster-scoped object works here and fails in Go. */
const isDecision5 = (c: NamingCase) => !c.naming.name && !JSON.parse(c.object).metadata.namespace;

describe('naming (golden, Go text/template + sprig + agent functions)', () => {
  it.each(
    namingGolden
      .filter((c) => !isDecision5(c))
      .map((c, i) => [i, c.naming.name ?? '', c.naming.namespace ?? '', c] as const),
  )('case %i: name %j namespace %j', (_i, _n, _ns, c) => {
    expect(runNaming(c)).toEqual(c.want);
  });

  it('cluster-scoped default-name cases differ from Go on purpose (the Go template fails)', () => {
    const cases = namingGolden.filter(isDecision5);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      if (c.want.error?.startsWith('invalid name naming')) {
        expect(c.want.error).toMatch(/at <sha3short>: invalid value; expected string$/);
        expect(runNaming(c).name).toMatch(/^a7ffc6f8bf1ed76651c1-[0-9a-f]{20}$/);
      } else {
        expect(runNaming(c)).toEqual(c.want); // e.g. a namespace error comes first, as in Go
      }
    }
  });
});

describe('validating rendered local names', () => {
  const ctx = (name: string, spec: Record<string, unknown> = {}) => ({
    object: { metadata: { name, namespace: 'default' }, spec },
    clusterName: 'abc123',
    clusterPath: '',
  });

  it('explains empty, <no value>, too long and malformed names', () => {
    expect(validateLocalName('name', 'ok-name.v1')).toBeUndefined();
    expect(validateLocalName('name', '')).toBe('the name is empty');
    expect(validateLocalName('name', '<no value>')).toContain('"<no value>"');
    expect(validateLocalName('name', 'a'.repeat(254))).toBe(
      'the name is 254 characters long, at most 253 are allowed',
    );
    expect(validateLocalName('name', 'Bad_Name')).toContain('RFC 1123 subdomain');
    expect(validateLocalName('namespace', 'a.b')).toContain('RFC 1123 label');
    expect(validateLocalName('namespace', 'a'.repeat(64))).toContain('at most 63');
  });

  it('throws InvalidLocalNameError (field and rendered value) only when asked to validate', () => {
    const naming = { name: '{{ .Object.spec.missing }}', namespace: 'Team_{{ .ClusterName }}' };
    expect(compileNaming(naming).name(ctx('x'))).toBe('<no value>');
    const v = compileNaming(naming, { validate: { namespaced: true } });
    let err: unknown;
    try {
      v.name(ctx('x'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidLocalNameError);
    expect(configProblemOf(err)).toEqual({
      field: 'spec.naming.name',
      value: '<no value>',
      message: expect.stringContaining('not a valid local name: the template printed') as string,
    });
    expect(() => v.namespace(ctx('x'))).toThrow(InvalidLocalNameError);
    // A cluster-scoped local type does not use the namespace: not validated.
    expect(compileNaming(naming, { validate: { namespaced: false } }).namespace(ctx('x'))).toBe(
      'Team_abc123',
    );
    expect(configProblemOf(new Error('other'))).toBeUndefined();
    expect(configProblemEvent(configProblemOf(err)!)).toEqual({
      type: 'Warning',
      reason: 'ReconcilingError',
      message:
        'Failed to process object: the service provider\'s spec.naming.name gives "<no value>" for this object, which is not a valid local name: the template printed "<no value>": a field it reads is missing in the object; the provider must fix the PublishedResource.',
    });
  });

  it('accepts the default templates and valid custom names', () => {
    const v = compileNaming({ name: '{{ .Object.metadata.name }}-copy' }, { validate: { namespaced: true } });
    expect(v.name(ctx('web'))).toBe('web-copy');
    expect(v.namespace(ctx('web'))).toBe('abc123');
  });
});
