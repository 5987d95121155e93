import { FakeClock } from './clock.js';
import { RestClient } from './client/rest.js';
import { EventRecorder, eventNameSuffix } from './events.js';
import { FakeObjectServer } from './testing/fake-multi.js';
import { testRestConfig } from './testing/config.js';

describe('EventRecorder', () => {
  let server: FakeObjectServer;
  let client: RestClient;
  beforeEach(async () => {
    server = new FakeObjectServer();
    client = new RestClient(testRestConfig((await server.start()) + '/clusters/consumer'));
  });
  afterEach(() => server.stop());

  const obj = {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    metadata: { name: 'my-thing', namespace: 'ns', uid: 'u1', resourceVersion: '7' },
  };

  it('names events <name>.<hex unix nanos>', () => {
    expect(eventNameSuffix(1_700_000_000_000)).toBe(1_700_000_000_000_000_000n.toString(16));
  });

  it('gives two different events in the same millisecond different names', async () => {
    const clock = new FakeClock(Date.parse('2026-11-21T10:00:00Z'));
    const rec = new EventRecorder({ component: 'my-agent', host: 'h', clock });
    await rec.event(client, obj, 'Normal', 'AddingResourceSchemas', 'added');
    await rec.event(client, obj, 'Warning', 'RemovingResourceSchemas', 'removed');
    const names = server.log.map((l) => (l.body as { metadata: { name: string } }).metadata.name);
    expect(names).toHaveLength(2);
    expect(names[0]).toBe(`my-thing.${eventNameSuffix(Date.parse('2026-11-21T10:00:00Z'))}`);
    expect(names[1]).not.toBe(names[0]);
  });

  it('counts repeats recorded at the same time into one Event', async () => {
    const rec = new EventRecorder({ component: 'my-agent', host: 'h' });
    await Promise.all(
      Array.from({ length: 5 }, () => rec.event(client, obj, 'Warning', 'ObjectRefused', 'too deep')),
    );
    expect(server.log.map((l) => l.method)).toEqual(['POST', 'PATCH', 'PATCH', 'PATCH', 'PATCH']);
    expect(server.log[4]?.body).toMatchObject({ count: 5 });
  });

  it('creates an Event, then aggregates repeats into count and lastTimestamp', async () => {
    const clock = new FakeClock(Date.parse('2026-11-21T10:00:00Z'));
    const rec = new EventRecorder({ component: 'my-agent', host: 'h', clock });
    await rec.event(client, obj, 'Normal', 'ObjectSynced', 'synced');
    clock.step(5000);
    await rec.event(client, obj, 'Normal', 'ObjectSynced', 'synced');
    await rec.event(client, obj, 'Warning', 'ReconcilingError', 'boom');
    expect(server.log.map((l) => `${l.method} ${l.path}`)).toEqual([
      'POST /clusters/consumer/api/v1/namespaces/ns/events',
      `PATCH /clusters/consumer/api/v1/namespaces/ns/events/my-thing.${eventNameSuffix(Date.parse('2026-11-21T10:00:00Z'))}`,
      'POST /clusters/consumer/api/v1/namespaces/ns/events',
    ]);
    const created = server.log[0]?.body as Record<string, unknown>;
    expect(created).toMatchObject({
      involvedObject: {
        kind: 'Thing',
        name: 'my-thing',
        namespace: 'ns',
        uid: 'u1',
        apiVersion: 'example.com/v1',
      },
      reason: 'ObjectSynced',
      type: 'Normal',
      count: 1,
      source: { component: 'my-agent', host: 'h' },
      firstTimestamp: '2026-11-21T10:00:00Z',
    });
    expect(server.log[1]?.body).toEqual({
      count: 2,
      lastTimestamp: '2026-11-21T10:00:05Z',
      message: 'synced',
    });
  });

  it('creates a new Event when the aggregated one is gone, and never throws', async () => {
    const rec = new EventRecorder({ component: 'c' });
    await rec.event(client, obj, 'Normal', 'R', 'm');
    server.objects.clear();
    await rec.event(client, obj, 'Normal', 'R', 'm');
    expect(server.log.map((l) => l.method)).toEqual(['POST', 'PATCH', 'POST']);
    server.failWith = 500;
    await expect(rec.event(client, obj, 'Normal', 'X', 'y')).resolves.toBeUndefined();
  });
});
