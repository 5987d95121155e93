import { RestClient } from './client/rest.js';
import { LeaderElector, microTime } from './leaderelection.js';
import { FakeObjectServer } from './testing/fake-multi.js';
import { testRestConfig } from './testing/config.js';

const leasePath = '/apis/coordination.k8s.io/v1/namespaces/ns/leases/syncagent.test';
const timings = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 };

describe('LeaderElector (short timings, local object server)', () => {
  let server: FakeObjectServer;
  let client: RestClient;
  beforeEach(async () => {
    server = new FakeObjectServer();
    client = new RestClient(testRestConfig(await server.start()));
  });
  afterEach(() => server.stop());

  it('formats MicroTime with six fractional digits', () => {
    expect(microTime(Date.parse('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05.678000Z');
  });

  it('one candidate leads, the other takes over after the leader stops renewing', async () => {
    const a = new LeaderElector({
      client,
      namespace: 'ns',
      name: 'syncagent.test',
      identity: 'a',
      ...timings,
    });
    const b = new LeaderElector({
      client,
      namespace: 'ns',
      name: 'syncagent.test',
      identity: 'b',
      ...timings,
    });
    const stopA = new AbortController();
    const stopB = new AbortController();
    const log: string[] = [];
    const runA = a.run(stopA.signal, {
      onStartedLeading: () => log.push('a leads'),
      onStoppedLeading: () => log.push('a lost'),
    });
    await new Promise((r) => setTimeout(r, 300));
    void b.run(stopB.signal, {
      onStartedLeading: () => log.push('b leads'),
      onStoppedLeading: () => log.push('b lost'),
    });
    await new Promise((r) => setTimeout(r, 1200));
    expect(log).toEqual(['a leads']);
    const lease = server.objects.get(leasePath);
    expect(lease?.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 1, leaseTransitions: 0 });
    stopA.abort(); // no release on cancel: b must wait for the lease to expire
    await runA;
    const t0 = Date.now();
    while (!log.includes('b leads') && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
    const failover = Date.now() - t0;
    expect(log).toEqual(['a leads', 'b leads']);
    expect(failover).toBeLessThan(1000 + 400); // within one lease period (+ retry jitter)
    expect(server.objects.get(leasePath)?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    stopB.abort();
  });

  it('a leader that cannot renew within the renew deadline loses leadership', async () => {
    const a = new LeaderElector({
      client,
      namespace: 'ns',
      name: 'syncagent.test',
      identity: 'a',
      ...timings,
    });
    const stop = new AbortController();
    const log: string[] = [];
    const run = a.run(stop.signal, {
      onStartedLeading: () => log.push('leads'),
      onStoppedLeading: () => log.push('lost'),
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(a.isLeader()).toBe(true);
    server.failWith = 500;
    await run;
    expect(log).toEqual(['leads', 'lost']);
    expect(a.isLeader()).toBe(false);
  });
});
