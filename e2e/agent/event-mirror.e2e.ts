// Service-side events reach the consumer (docs/authoring.md#mirroring-service-side-events): the
// provider's operator (this test) writes events on the copies of two consumers' CronTabs of the same
// name; each consumer sees the allowed ones on their own object, with the provider prefix, and
// nothing of the filtered events, of the provider's own objects, or of the other workspace's copy.
import { waitFor } from '../world/wait.js';
import type { KubeObject } from '../world/rest.js';
import {
  CRONTABS,
  eventsFor,
  localCronTabPath,
  publishCronTabs,
  startAgentWorld,
  waitForObject,
  waitForServed,
  type AgentWorld,
  STEP,
} from './helpers.js';

const PREFIX = '[provider crontab-operator] ';

describe('agent: mirroring service-side events', () => {
  let w: AgentWorld;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-event-mirror',
      manifests: [
        publishCronTabs({
          events: {
            mirror: true,
            allow: [
              { type: 'Warning', reason: 'BackOff' },
              { type: 'Normal', reason: 'Scheduled' },
            ],
          },
        }),
      ],
    });
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  let seq = 0;
  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  /** A core/v1 Event as the provider's operator records it, about `about` (involvedObject). */
  const operatorEvent = (about: KubeObject, type: string, reason: string, message: string, uid?: string) =>
    w.service.client.create(`/api/v1/namespaces/${about.metadata.namespace}/events`, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${about.metadata.name}.e2e${++seq}`, namespace: about.metadata.namespace },
      involvedObject: {
        apiVersion: 'example.com/v1',
        kind: 'CronTab',
        namespace: about.metadata.namespace,
        name: about.metadata.name,
        uid: uid ?? about.metadata.uid,
      },
      type,
      reason,
      message,
      count: 1,
      source: { component: 'crontab-operator' },
      firstTimestamp: now(),
      lastTimestamp: now(),
    });
  /** The mirrored events on a team's CronTab `name`. */
  const mirrored = async (team: number, name: string) =>
    (await eventsFor(w.provider.teamAdmin(team), 'default', name)).filter((e) =>
      String(e.message).startsWith('[provider '),
    );
  const crontab = (name: string) => ({
    apiVersion: 'example.com/v1',
    kind: 'CronTab',
    metadata: { name },
    spec: { cronSpec: '0 2 * * *', image: 'backup:1', replicas: 1 },
  });

  it(
    'shows the allowed events of a copy on its kcp object, only in its own workspace',
    async () => {
      await waitForServed(w, 0, CRONTABS);
      await waitForServed(w, 1, CRONTABS);
      // Both teams name their object alike: the name must not route events.
      await w.provider.teamAdmin(0).create(CRONTABS, crontab('nightly'));
      await w.provider.teamAdmin(1).create(CRONTABS, crontab('nightly'));
      const copyA = await waitForObject(w.service.client, localCronTabPath(w, 'nightly', 0));
      const copyB = await waitForObject(w.service.client, localCronTabPath(w, 'nightly', 1));
      // The provider's own CronTab next to team-a's copy, not made by the agent.
      const own = await w.service.client.create(
        `/apis/example.com/v1/namespaces/${copyA.metadata.namespace}/crontabs`,
        { ...crontab('provider-internal'), metadata: { name: 'provider-internal' } },
      );

      const backOff = await operatorEvent(copyA, 'Warning', 'BackOff', 'Back-off restarting failed job');
      await operatorEvent(copyA, 'Normal', 'Pulled', 'Image pulled from registry.internal'); // filtered
      await operatorEvent(copyA, 'Normal', 'Scheduled', 'Next run at 02:00');
      await operatorEvent(own, 'Warning', 'BackOff', 'about the provider object');
      // Names team-a's copy but carries team-b's copy UID: belongs to neither.
      await operatorEvent(copyA, 'Warning', 'BackOff', 'forged', copyB.metadata.uid);
      await operatorEvent(copyB, 'Warning', 'BackOff', 'team-b job failing');
      // events.k8s.io/v1 events are the same objects: the mirror sees them too.
      await w.service.client.create(`/apis/events.k8s.io/v1/namespaces/${copyA.metadata.namespace}/events`, {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: `nightly.e2e-new${++seq}`, namespace: copyA.metadata.namespace },
        eventTime: new Date().toISOString().replace('Z', '000Z'),
        reportingController: 'crontab-operator',
        reportingInstance: 'crontab-operator-0',
        action: 'Schedule',
        regarding: {
          apiVersion: 'example.com/v1',
          kind: 'CronTab',
          namespace: copyA.metadata.namespace,
          name: copyA.metadata.name,
          uid: copyA.metadata.uid,
        },
        type: 'Normal',
        reason: 'Scheduled',
        note: 'Reported through events.k8s.io',
      });

      const teamA = await waitFor(
        async () => {
          const l = await mirrored(0, 'nightly');
          return l.length >= 3 ? l : undefined;
        },
        { description: "team-a's mirrored events" },
      );
      expect(teamA.map((e) => [e.type, e.reason, e.message]).sort()).toEqual([
        ['Normal', 'Scheduled', `${PREFIX}Next run at 02:00`],
        ['Normal', 'Scheduled', `${PREFIX}Reported through events.k8s.io`],
        ['Warning', 'BackOff', `${PREFIX}Back-off restarting failed job`],
      ]);
      const kcpObject = await w.provider.teamAdmin(0).get(`${CRONTABS}/nightly`);
      expect(teamA.every((e) => e.involvedObject.uid === kcpObject.metadata.uid)).toBe(true);
      const teamB = await waitFor(
        async () => {
          const l = await mirrored(1, 'nightly');
          return l.length >= 1 ? l : undefined;
        },
        { description: "team-b's mirrored event" },
      );
      expect(teamB.map((e) => e.message)).toEqual([`${PREFIX}team-b job failing`]);

      // The operator counts a repeat on its Event: the consumer's Event counts it too.
      await w.service.client.mergePatch(
        `/api/v1/namespaces/${copyA.metadata.namespace}/events/${backOff.metadata.name}`,
        { count: 2, lastTimestamp: now() },
      );
      await waitFor(
        async () =>
          (await mirrored(0, 'nightly')).find((e) => e.reason === 'BackOff' && e.count === 2) ?? undefined,
        { description: 'the mirrored BackOff event to count 2' },
      );

      // Nothing else arrived meanwhile in either workspace (filtered, foreign and forged events).
      await new Promise((r) => setTimeout(r, 2_000));
      expect((await mirrored(0, 'nightly')).length).toBe(3);
      expect((await mirrored(1, 'nightly')).length).toBe(1);
      const everywhere = [
        ...(await w.provider.teamAdmin(0).list('/api/v1/namespaces/default/events')).items,
        ...(await w.provider.teamAdmin(1).list('/api/v1/namespaces/default/events')).items,
      ].map((e) => String(e.message));
      for (const secret of ['registry.internal', 'about the provider object', 'forged'])
        expect(everywhere.filter((m) => m.includes(secret))).toEqual([]);
      expect(w.agent.hasExited()).toBe(false);
    },
    STEP,
  );
});
