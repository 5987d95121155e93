import { controllerManagedBy } from './builder.js';
import { RestClient } from './client/rest.js';
import { microTime } from './lease-record.js';
import { Manager } from './manager.js';
import { FakeObjectServer } from './testing/fake-multi.js';
import { testRestConfig } from './testing/config.js';

describe('Manager on a replica that does not lead', () => {
  it('starts controllers registered with needLeaderElection false, and only those', async () => {
    const server = new FakeObjectServer();
    const client = new RestClient(testRestConfig(await server.start()));
    // another replica holds the leader Lease
    await client.create(
      { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' },
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'leader', namespace: 'ns' },
        spec: { holderIdentity: 'other', leaseDurationSeconds: 60, renewTime: microTime(Date.now()) },
      },
      { namespace: 'ns' },
    );
    const mgr = new Manager({
      client,
      leaderElection: { enabled: true, namespace: 'ns', name: 'leader', identity: 'me' },
      onLeadershipLost: () => undefined,
    });
    const things = { description: 'things', start: () => undefined };
    const everywhere = controllerManagedBy(mgr)
      .named('everywhere')
      .watches(things)
      .withOptions({ needLeaderElection: false })
      .complete({ reconcile: async () => ({}) });
    const leaderOnly = controllerManagedBy(mgr)
      .named('leader-only')
      .watches(things)
      .complete({ reconcile: async () => ({}) });
    const done = mgr.start();
    const t0 = Date.now();
    while (!everywhere.isStarted() && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 10));
    expect(everywhere.isStarted()).toBe(true);
    expect(leaderOnly.isStarted()).toBe(false);
    expect(mgr.isLeader()).toBe(false);
    await mgr.stop();
    await done;
    await server.stop();
  });
});
