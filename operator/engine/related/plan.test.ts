import { compileRelated, RelatedError, type RelatedSides } from './index.js';
import type { RelatedResourceSpec } from '../../apis/v1alpha1/types.js';

const remote = {
  metadata: { name: 'my-db', namespace: 'kcp-ns', labels: { app: 'db' } },
  spec: { secrets: [{ name: 'a' }, { name: ' b ' }, { name: '' }], single: 'creds', count: 2 },
};
const local = {
  metadata: { name: 'hash-name', namespace: 'svc-ns', labels: { app: 'db-local' } },
  spec: { secrets: [{ name: 'x-a' }, { name: 'x-b' }, { name: 'x-c' }], single: 'creds-local', count: 2 },
};
const sides = (origin: 'kcp' | 'service'): RelatedSides => ({
  origin,
  remote,
  local,
  clusterName: 'c1',
  clusterPath: 'root:c1',
});
const rel = (object: RelatedResourceSpec['object']) => ({ object });

describe('related-object planning', () => {
  it('defaults to the primaries’ namespaces and plans references', () => {
    const r = compileRelated(rel({ reference: { path: 'spec.single' } }));
    expect(r.plan(sides('service'))).toEqual([
      { originNamespace: 'svc-ns', originName: 'creds-local', destNamespace: 'kcp-ns', destName: 'creds' },
    ]);
    expect(r.plan(sides('kcp'))).toEqual([
      { originNamespace: 'kcp-ns', originName: 'creds', destNamespace: 'svc-ns', destName: 'creds-local' },
    ]);
  });

  it('reference with a list path: trimmed values, empty pairs skipped, regex applied, sorted', () => {
    const r = compileRelated(
      rel({ reference: { path: 'spec.secrets.#.name', regex: { pattern: '^x-', replacement: '' } } }),
    );
    // origin kcp: [a, b, ""] -> regex -> same; dest: [a, b, c]; the "" pair is dropped
    expect(r.plan(sides('kcp')).map((p) => `${p.originName}->${p.destName}`)).toEqual(['a->a', 'b->b']);
  });

  it('count mismatch and missing paths', () => {
    const r = compileRelated(rel({ reference: { path: 'spec.secrets.#.name' } }));
    const other = { ...local, spec: { secrets: [{ name: 'only' }] } };
    expect(() => r.plan({ ...sides('kcp'), local: other })).toThrow(
      new RelatedError(
        'failed to resolve objects: failed to find objects on origin side: cannot sync related resources: found 3 names on the origin, but 1 on the destination side',
      ),
    );
    expect(compileRelated(rel({ reference: { path: 'spec.nope' } })).plan(sides('kcp'))).toEqual([]);
  });

  it('cluster-scoped primaries need a namespace rule', () => {
    const r = compileRelated(rel({ reference: { path: 'spec.single' } }));
    const clusterRemote = { metadata: { name: 'x' }, spec: {} };
    expect(() => r.plan({ ...sides('kcp'), remote: clusterRemote })).toThrow(
      'primary object is cluster-scoped and no source namespace configuration was provided',
    );
    expect(() => r.plan({ ...sides('service'), remote: clusterRemote })).toThrow(
      'primary object copy is cluster-scoped and no source namespace configuration was provided',
    );
  });

  it('templates are rendered per side with Side', () => {
    const r = compileRelated(
      rel({
        template: { template: '{{ .Side }}-{{ .Object.metadata.name }}' },
        namespace: {
          template: {
            template:
              '{{ if eq .Side "kcp" }}{{ .ClusterName }}{{ else }}{{ .Object.metadata.namespace }}{{ end }}',
          },
        },
      }),
    );
    expect(r.plan(sides('service'))).toEqual([
      {
        originNamespace: 'svc-ns',
        originName: 'service-hash-name',
        destNamespace: 'c1',
        destName: 'kcp-my-db',
      },
    ]);
    const empty = compileRelated(rel({ template: { template: '{{ if eq .Side "kcp" }}x{{ end }}' } }));
    expect(empty.plan(sides('kcp'))).toEqual([]);
  });

  it('namespace references with count mismatch', () => {
    const r = compileRelated(
      rel({ template: { template: 'n' }, namespace: { reference: { path: 'spec.secrets.#.name' } } }),
    );
    expect(() => r.plan({ ...sides('kcp'), local: { ...local, spec: { secrets: [] } } })).toThrow(
      'failed to resolve namespace: cannot sync related resources: found 3 namespaces on the origin, but 0 on the destination side',
    );
  });

  it('selectors: rendered per primary, empty keys dropped, rewrites, the spec is never modified', () => {
    const spec = rel({
      selector: {
        matchLabels: { app: '{{ .RemoteObject.metadata.labels.app }}', '{{ "" }}': 'dropped', fixed: 'v' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }],
        rewrite: { template: { template: '{{ .Value }}-{{ .RelatedObject.metadata.labels.app }}' } },
      },
      namespace: {
        selector: {
          matchLabels: { team: '{{ .LocalObject.metadata.name }}' },
          rewrite: { regex: { pattern: '^', replacement: 'dst-' } },
        },
      },
    });
    const frozen = JSON.stringify(spec);
    const r = compileRelated(spec);
    expect(r.namespaceSelector(sides('kcp'))).toEqual({ matchLabels: { team: 'hash-name' } });
    expect(r.objectSelector(sides('kcp'))).toEqual({
      matchLabels: { app: 'db', fixed: 'v' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }],
    });
    const other = { ...remote, metadata: { ...remote.metadata, labels: { app: 'other' } } };
    expect(r.objectSelector({ ...sides('kcp'), remote: other })?.matchLabels).toEqual({
      app: 'other',
      fixed: 'v',
    });
    expect(JSON.stringify(spec)).toBe(frozen);

    const plan = r.plan(sides('kcp'), {
      namespaces: ['ns-b', 'ns-a'],
      objectsByNamespace: new Map([
        [
          'ns-a',
          [
            { metadata: { name: 'z', labels: { app: 'q' } } },
            { metadata: { name: 'y', labels: { app: 'p' } } },
          ],
        ],
        ['ns-b', [{ metadata: { name: 'x', labels: { app: 'r' } } }]],
      ]),
    });
    expect(plan).toEqual([
      { originNamespace: 'ns-a', originName: 'y', destNamespace: 'dst-ns-a', destName: 'y-p' },
      { originNamespace: 'ns-a', originName: 'z', destNamespace: 'dst-ns-a', destName: 'z-q' },
      { originNamespace: 'ns-b', originName: 'x', destNamespace: 'dst-ns-b', destName: 'x-r' },
    ]);
  });

  it('missing mechanisms and broken patterns give the Go texts at use time', () => {
    expect(() => compileRelated(rel({})).plan(sides('kcp'))).toThrow(
      'failed to resolve objects: failed to find objects on origin side: invalid objectSpec: no mechanism configured',
    );
    expect(() =>
      compileRelated(rel({ template: { template: 'x' }, namespace: {} })).plan(sides('kcp')),
    ).toThrow('failed to resolve namespace: invalid sourceSpec: no mechanism configured');
    const noRewrite = compileRelated(rel({ selector: { matchLabels: {}, rewrite: {} } }));
    expect(() =>
      noRewrite.plan(sides('kcp'), {
        objectsByNamespace: new Map([['kcp-ns', [{ metadata: { name: 'a' } }]]]),
      }),
    ).toThrow('invalid rewrite: no mechanism configured');
    const bad = compileRelated(rel({ reference: { path: 'spec.single', regex: { pattern: '(' } } }));
    expect(bad.compileErrors).toEqual([
      {
        fieldPath: 'spec.related[0].object.reference.regex.pattern',
        message: 'invalid pattern "(": error parsing regexp: missing closing ): `(`',
      },
    ]);
    expect(() => bad.plan(sides('kcp'))).toThrow(
      'invalid pattern "(": error parsing regexp: missing closing ): `(`',
    );
  });
});
