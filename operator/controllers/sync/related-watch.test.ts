// Related-object events: the reverse index finds the primary of a known
// related object on either side; `watch.byOwner` and `watch.bySelector` find primaries of objects the
// index has not seen yet.
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import { silentLogger } from '../../runtime/log.js';
import type { Request } from '../../runtime/reconciler.js';
import { RelatedSync, type RelatedDeps } from './related.js';

const SECRETS = { group: '', version: 'v1', resource: 'secrets' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };

function setup() {
  const enqueued: Request[] = [];
  const localPrimary = {
    apiVersion: 'example.com/v1',
    kind: 'CronTab',
    metadata: {
      name: 'hash',
      namespace: 'ws1',
      labels: { tier: 'gold', 'syncagent.kcp.io/remote-object-cluster': 'ws1' },
      annotations: {
        'syncagent.kcp.io/remote-object-name': 'nightly',
        'syncagent.kcp.io/remote-object-namespace': 'default',
      },
    },
  };
  const remotePrimaries = [
    { metadata: { name: 'a', namespace: 'default', labels: { tier: 'gold' } } },
    { metadata: { name: 'b', namespace: 'default', labels: { tier: 'silver' } } },
  ];
  const pr = {
    metadata: { name: 'pr' },
    spec: {
      resource: { apiGroup: 'example.com', kind: 'CronTab' },
      related: [
        {
          identifier: 'owned',
          origin: 'service',
          kind: 'Secret',
          watch: { byOwner: {} },
          object: { template: { template: 'x' } },
        },
        {
          identifier: 'selected',
          origin: 'kcp',
          kind: 'ConfigMap',
          watch: { bySelector: { matchLabels: { tier: 'gold' } } },
          object: { template: { template: 'y' } },
        },
      ],
    },
  } as unknown as PublishedResource;
  const rs = new RelatedSync({
    pr,
    types: {
      local: { apiVersion: 'example.com/v1', kind: 'CronTab' },
      remote: { apiVersion: 'example.com/v1', kind: 'CronTab' },
    },
    log: silentLogger(),
    enqueue: (r: Request) => enqueued.push(r),
    localPrimaries: {
      reader: {
        get: (_c: string, ns: string, name: string) =>
          ns === 'ws1' && name === 'hash' ? localPrimary : undefined,
        list: () => [localPrimary],
      },
    },
    remotePrimaries: {
      list: ({ cluster }: { cluster: string }) => (cluster === 'ws1' ? remotePrimaries : []),
    },
  } as unknown as RelatedDeps);
  return { rs, enqueued };
}

const inCluster = (cluster: string) => ({ 'kcp.io/cluster': cluster });

describe('RelatedSync.notice', () => {
  it('finds primaries through the reverse index on both sides', () => {
    const { rs, enqueued } = setup();
    const req = { cluster: 'ws1', namespace: 'default', name: 'nightly' };
    rs.index.set(req, [
      { side: 'service', gvr: 'v1/secrets', cluster: '', namespace: 'ws1', name: 'creds' },
      { side: 'kcp', gvr: 'v1/configmaps', cluster: 'ws1', namespace: 'default', name: 'cfg' },
    ]);
    rs.notice('service', SECRETS, { metadata: { name: 'creds', namespace: 'ws1' } });
    rs.notice('service', SECRETS, { metadata: { name: 'other', namespace: 'ws1' } });
    rs.notice('kcp', CONFIGMAPS, {
      metadata: { name: 'cfg', namespace: 'default', annotations: inCluster('ws1') },
    });
    rs.notice('kcp', CONFIGMAPS, {
      metadata: { name: 'cfg', namespace: 'default', annotations: inCluster('ws2') },
    });
    // The kcp ConfigMap in ws1 also matches the bySelector watch of "selected" (primary "a").
    expect(enqueued).toEqual([req, req, { cluster: 'ws1', namespace: 'default', name: 'a' }]);
  });

  it('byOwner (service origin): the owning local primary’s kcp identity', () => {
    const { rs, enqueued } = setup();
    rs.notice('service', SECRETS, {
      metadata: {
        name: 'new',
        namespace: 'ws1',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Pod', name: 'hash', uid: '1' },
          { apiVersion: 'example.com/v1', kind: 'CronTab', name: 'hash', uid: '2' },
        ],
      },
    });
    rs.notice('service', SECRETS, {
      metadata: {
        name: 'orphan',
        namespace: 'ws1',
        ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'CronTab', name: 'missing', uid: '3' }],
      },
    });
    expect(enqueued).toEqual([{ cluster: 'ws1', namespace: 'default', name: 'nightly' }]);
  });

  it('bySelector (kcp origin): every matching kcp primary of that workspace', () => {
    const { rs, enqueued } = setup();
    rs.notice('kcp', CONFIGMAPS, {
      metadata: { name: 'n', namespace: 'default', annotations: inCluster('ws1') },
    });
    // A service-side ConfigMap is not the origin side of "selected": nothing.
    rs.notice('service', CONFIGMAPS, { metadata: { name: 'n', namespace: 'ws1' } });
    expect(enqueued).toEqual([{ cluster: 'ws1', namespace: 'default', name: 'a' }]);
  });
});
