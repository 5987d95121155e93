// The comparator of the Go-agent compatibility tests (e2e/compat/compare.ts), without servers: what
// normalise() removes and keeps, state keys made readable, and which differences the allow-list of
// deliberate differences accepts (and, more importantly, which it does not).
import { createHash } from 'node:crypto';
import {
  classify,
  diffSnapshots,
  normalise,
  type Difference,
  type Snapshot,
} from '../../e2e/compat/compare.js';

const TOKENS: Array<[string, string]> = [
  ['root:org-a:team-a', '<team-0-path>'],
  ['abc123cluster', '<team-0>'],
];
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('compat comparator: normalise()', () => {
  it('drops server bookkeeping and kcp-internal labels, keeps labels, annotations, finalizers', () => {
    const out = normalise(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'x',
          namespace: 'abc123cluster',
          uid: 'u',
          resourceVersion: '7',
          creationTimestamp: 't',
          managedFields: [],
          generation: 3,
          labels: { a: 'b', 'claimed.internal.apis.kcp.io/xyz': 'h' },
          annotations: { 'kcp.io/path': 'root:org-a:team-a' },
          finalizers: ['syncagent.kcp.io/cleanup'],
          ownerReferences: [{ kind: 'Foo', name: 'f', uid: 'u2' }],
        },
        data: { k: 'daily' },
      },
      TOKENS,
    );
    expect(out).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'x',
        namespace: '<team-0>',
        labels: { a: 'b' },
        annotations: { 'kcp.io/path': '<team-0-path>' },
        finalizers: ['syncagent.kcp.io/cleanup'],
        ownerReferences: [{ kind: 'Foo', name: 'f' }],
      },
      data: { k: 'daily' },
    });
  });

  it('decodes Secret data and names state entries by the key they hash', () => {
    const stored = { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'n', namespace: 'default' } };
    const key = sha1('{"ClusterName":"abc123cluster","WorkspacePath":"","Namespace":"default","Name":"n"}\n');
    const out = normalise(
      {
        kind: 'Secret',
        metadata: { name: 's', labels: { 'syncagent.kcp.io/object-state': 'true' } },
        data: { [key]: b64(JSON.stringify(stored)) },
      },
      TOKENS,
    ) as { data: Record<string, unknown> };
    expect(out.data).toEqual({ 'stateKey(<team-0>|default/n)': { '<json>': stored } });
    const plain = normalise(
      { kind: 'Secret', metadata: { name: 'p' }, data: { pw: b64('abc123cluster') } },
      TOKENS,
    );
    expect(plain).toEqual({ kind: 'Secret', metadata: { name: 'p' }, data: { pw: '<team-0>' } });
  });
});

describe('compat comparator: differences and the allow-list', () => {
  const snap = (entries: Record<string, unknown>): Snapshot => new Map(Object.entries(entries));

  it('reports differences by field path, and objects only one side has', () => {
    const diffs = diffSnapshots(
      snap({ a: { spec: { x: 1, y: [1, 2] } }, onlyGo: {} }),
      snap({ a: { spec: { x: 2, y: [1, 2] } }, onlyTs: {} }),
    );
    expect(diffs).toEqual<Difference[]>([
      { key: 'a', field: 'spec.x', go: 1, ts: 2 },
      { key: 'onlyGo', field: '', go: '<present>', ts: undefined },
      { key: 'onlyTs', field: '', go: undefined, ts: '<present>' },
    ]);
  });

  it('accepts the documented differences and nothing that this agent adds on its own', () => {
    const pr = 'service /apis/syncagent.kcp.io/v1alpha1/publishedresources p';
    const { deliberate, unexpected } = classify([
      { key: pr, field: 'status.conditions', go: undefined, ts: [] },
      {
        key: 'kcp team-0 events',
        field: 'event',
        go: 'Pipeline default/a: Warning ReconcilingError',
        ts: undefined,
      },
      {
        key: 'kcp team-0 events',
        field: 'event',
        go: undefined,
        ts: 'Pipeline default/a: Warning ReconcilingError',
      },
      { key: pr, field: 'status.resourceSchemaName', go: 'a', ts: 'b' },
      {
        key: 'service /api/v1/secrets ns=x/y',
        field: 'metadata.annotations.syncagent.kcp.io/related-owner',
        go: undefined,
        ts: 'o',
      },
      {
        key: 'service /api/v1/secrets ns=x/y',
        field: 'metadata.annotations.syncagent.kcp.io/related-owner',
        go: 'o',
        ts: undefined,
      },
      {
        key: 'service /api/v1/configmaps ns=x/z',
        field: 'metadata.annotations',
        go: undefined,
        ts: { 'syncagent.kcp.io/related-owner': 'o' },
      },
      {
        key: 'service /api/v1/configmaps ns=x/z',
        field: 'metadata.annotations',
        go: undefined,
        ts: { 'syncagent.kcp.io/related-owner': 'o', other: 'x' },
      },
    ]);
    expect(deliberate.map((d) => d.name)).toEqual([
      'PublishedResource status.conditions (Additions)',
      'Go-only transient Warning ReconcilingError (retried conflicts and races)',
      'annotation syncagent.kcp.io/related-owner on service-side related copies',
      'annotation syncagent.kcp.io/related-owner on service-side related copies',
    ]);
    expect(unexpected.map((d) => d.field)).toEqual([
      'event',
      'status.resourceSchemaName',
      'metadata.annotations.syncagent.kcp.io/related-owner',
      'metadata.annotations',
    ]);
  });
});
