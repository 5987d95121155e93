import { readFileSync } from 'node:fs';
import { compileNaming, renderLegacyPattern, NamingError } from './index.js';

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
  it('SPEC §5.15 default vectors', () => {
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

  it('decision #5: cluster-scoped remote objects get sha3short("") as the namespace part', () => {
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

/** Decision #5: the default name of a cluster-scoped object works here and fails in Go. */
const isDecision5 = (c: NamingCase) => !c.naming.name && !JSON.parse(c.object).metadata.namespace;

describe('naming (golden, Go text/template + sprig + agent functions)', () => {
  it.each(
    namingGolden
      .filter((c) => !isDecision5(c))
      .map((c, i) => [i, c.naming.name ?? '', c.naming.namespace ?? '', c] as const),
  )('case %i: name %j namespace %j', (_i, _n, _ns, c) => {
    expect(runNaming(c)).toEqual(c.want);
  });

  it('decision #5 cases differ from Go on purpose', () => {
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
