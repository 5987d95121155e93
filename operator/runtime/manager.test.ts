import { controllerManagedBy } from './builder.js';
import { RestClient } from './client/rest.js';
import { parseAddress } from './httpserver.js';
import { Manager } from './manager.js';
import type { KubeObject } from './client/types.js';
import type { Request } from './reconciler.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import { testRestConfig } from './testing/config.js';

const gvr = { group: 'example.com', version: 'v1', resource: 'things' };

describe('parseAddress', () => {
  it('treats "0" and "" as disabled and parses host:port forms', () => {
    expect(parseAddress('0')).toBeUndefined();
    expect(parseAddress('')).toBeUndefined();
    expect(parseAddress('127.0.0.1:8085')).toEqual({ host: '127.0.0.1', port: 8085 });
    expect(parseAddress(':8080')).toEqual({ host: '', port: 8080 });
    expect(parseAddress('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(() => parseAddress('host:x')).toThrow(/bad port/);
  });
});

describe('Manager', () => {
  it('shares informers, starts controllers after sync, serves metrics and health, stops gracefully', async () => {
    const server = new FakeApiServer('/apis/example.com/v1/things');
    const client = new RestClient(testRestConfig(await server.start()));
    server.upsert({ metadata: { name: 'a', namespace: 'ns' } });
    const mgr = new Manager({ client, metricsAddress: '127.0.0.1:0', healthAddress: '127.0.0.1:0' });
    const inf = mgr.informer({ gvr });
    expect(mgr.informer({ gvr })).toBe(inf);
    expect(mgr.informer({ gvr, fieldSelector: 'metadata.name=a' })).not.toBe(inf);
    // a different transform stores different objects: not shared; a second user's indexers are added
    const strip = (o: KubeObject) => o;
    expect(mgr.informer({ gvr, transform: strip })).not.toBe(inf);
    expect(mgr.informer({ gvr, transform: strip })).toBe(mgr.informer({ gvr, transform: strip }));
    // objects keyed by another cluster function are different caches too
    const clusterOf = () => 'c1';
    expect(mgr.informer({ gvr, clusterOf })).not.toBe(inf);
    expect(mgr.informer({ gvr, clusterOf })).toBe(mgr.informer({ gvr, clusterOf }));
    expect(mgr.informer({ gvr, indexers: { byNs: (o) => [o.metadata?.namespace ?? ''] } })).toBe(inf);
    const seen: Request[] = [];
    const ctl = controllerManagedBy(mgr)
      .named('mgr-test')
      .for(inf)
      .complete({ reconcile: async (r) => (seen.push(r), {}) });
    const done = mgr.start();
    const t0 = Date.now();
    while (seen.length === 0 && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([{ cluster: '', namespace: 'ns', name: 'a' }]);
    expect(inf.reader.byIndex('byNs', 'ns').map((o) => o.metadata?.name)).toEqual(['a']);

    const health = await fetch(`http://${mgr.healthServerAddress}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok']);
    const ready = await fetch(`http://${mgr.healthServerAddress}/readyz?verbose`);
    expect(await ready.text()).toContain('[+]informers-synced ok');
    const metrics = await (await fetch(`http://${mgr.metricsServerAddress}/metrics`)).text();
    expect(metrics).toContain('controller_runtime_reconcile_total{controller="mgr-test",result="success"} 1');
    expect(metrics).toContain('workqueue_adds_total{name="mgr-test",controller="mgr-test"}');
    expect(metrics).toContain('rest_client_requests_total');

    mgr.addHealthzCheck('broken', () => 'disk on fire');
    const bad = await fetch(`http://${mgr.healthServerAddress}/healthz`);
    expect(bad.status).toBe(500);
    expect(await bad.text()).toContain('[-]broken failed: disk on fire');

    await mgr.stop();
    await done;
    expect(ctl.isStarted()).toBe(false);
    await server.stop();
  });
});
