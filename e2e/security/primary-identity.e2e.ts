// Attacks on the identity of service-side copies (docs/security.md, "Identity is the agent's"): two
// tenants bound to one export, with a provider naming rule that leaves the workspace out
// (`{{ .Object.metadata.name }}` in the fixed namespace `tenants`), so their objects can collide.
// Each test is an attack that succeeded against the agent before the ownership rules.
import { waitFor } from '../world/wait.js';
import type { KubeObject } from '../world/rest.js';
import {
  CRONTABS,
  eventsFor,
  getPublishedResource,
  publishCronTabs,
  restartAgent,
  sha1,
  STEP,
  useAgentWorld,
  waitForFinalizer,
  waitForObject,
  waitForServed,
} from '../agent/helpers.js';

const LOCAL = '/apis/example.com/v1/namespaces/tenants/crontabs';
const local = (name: string) => `${LOCAL}/${name}`;
const kcpPath = (name: string) => `${CRONTABS}/${name}`;
const CLUSTER_LABEL = 'syncagent.kcp.io/remote-object-cluster';
const AGENT_LABEL = 'syncagent.kcp.io/agent-name';

function cronTab(name: string, image: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'CronTab',
    metadata: { name, namespace: 'default', labels },
    spec: { cronSpec: '* * * * *', image, replicas: 1 },
  };
}

describe('security: identity of service-side copies', () => {
  const world = useAgentWorld({
    name: 'sec-identity',
    manifests: [publishCronTabs({ naming: { name: '{{ .Object.metadata.name }}', namespace: 'tenants' } })],
  });
  const teamA = () => world().provider.teamAdmin(0);
  const teamB = () => world().provider.teamAdmin(1);
  const svc = () => world().service.client;
  const clusterA = () => world().provider.teamClusterNames[0]!;
  const clusterB = () => world().provider.teamClusterNames[1]!;

  /** A's object `name` synced: its copy in `tenants` carries A's identity. */
  async function ownedByA(name: string, image = 'a:1'): Promise<KubeObject> {
    await teamA().create(CRONTABS, cronTab(name, image));
    return waitFor(
      async () => {
        const o = await svc().getOrUndefined(local(name));
        return o?.metadata.labels?.[CLUSTER_LABEL] === clusterA() ? o : undefined;
      },
      { description: `the copy of A's ${name}`, timeoutMs: 60_000 },
    );
  }

  async function waitForEvent(team: 0 | 1, name: string, reason: string): Promise<KubeObject> {
    const client = world().provider.teamAdmin(team);
    return waitFor(async () => (await eventsFor(client, 'default', name)).find((e) => e.reason === reason), {
      description: `a ${reason} event on team ${team}'s ${name}`,
      timeoutMs: 60_000,
    });
  }

  beforeAll(async () => {
    await waitForServed(world(), 0, CRONTABS);
    await waitForServed(world(), 1, CRONTABS);
  }, STEP);

  it(
    "a colliding name does not take over the copy: labels, spec and owner stay A's, B is told",
    async () => {
      const before = await ownedByA('db');
      await teamB().create(CRONTABS, cronTab('db', 'attacker:1'));
      const ev = await waitForEvent(1, 'db', 'NameCollision');
      expect(ev.type).toBe('Warning');
      expect(ev.message).toContain('tenants/db');
      // The consumer-facing message does not reveal the other tenant.
      expect(ev.message).not.toContain(clusterA());
      // The refusal is in B's own status too.
      const refused = await waitFor(
        async () => {
          const o = await teamB().get(kcpPath('db'));
          return (o.status?.conditions ?? []).find(
            (c: { type: string }) => c.type === 'syncagent.kcp.io/Accepted',
          );
        },
        { description: "the refusal condition in B's status", timeoutMs: 30_000 },
      );
      expect(refused).toMatchObject({ status: 'False', reason: 'NameCollision' });
      const after = await svc().get(local('db'));
      expect(after.metadata.uid).toBe(before.metadata.uid);
      expect(after.metadata.labels?.[CLUSTER_LABEL]).toBe(clusterA());
      expect(after.spec.image).toBe('a:1');
      // A keeps syncing its own edits.
      await teamA().mergePatch(kcpPath('db'), { spec: { image: 'a:2' } });
      await waitFor(async () => ((await svc().get(local('db'))).spec.image === 'a:2' ? true : undefined), {
        description: "A's edit on its copy",
        timeoutMs: 30_000,
      });
      expect((await svc().get(local('db'))).metadata.labels?.[CLUSTER_LABEL]).toBe(clusterA());
    },
    STEP,
  );

  it(
    "the status of A's copy does not flow to B's colliding object",
    async () => {
      await ownedByA('status-db');
      await svc().request('PUT', `${local('status-db')}/status`, {
        ...(await svc().get(local('status-db'))),
        status: { secret: 'password-of-A' },
      });
      await waitFor(
        async () => ((await teamA().get(kcpPath('status-db'))).status?.secret ? true : undefined),
        {
          description: "A's status in kcp",
          timeoutMs: 30_000,
        },
      );
      await teamB().create(CRONTABS, cronTab('status-db', 'attacker:1'));
      await waitForEvent(1, 'status-db', 'NameCollision');
      await new Promise((r) => setTimeout(r, 3000));
      // B's status holds only the agent's refusal, nothing of A's.
      const status = (await teamB().get(kcpPath('status-db'))).status ?? {};
      expect(status.secret).toBeUndefined();
      expect(Object.keys(status)).toEqual(['conditions']);
    },
    STEP,
  );

  it(
    "deleting B's colliding object does not delete A's copy",
    async () => {
      const before = await ownedByA('del-db');
      await teamB().create(CRONTABS, cronTab('del-db', 'attacker:1'));
      await waitForFinalizer(teamB(), kcpPath('del-db'));
      await waitForEvent(1, 'del-db', 'NameCollision');
      await teamB().delete(kcpPath('del-db'));
      await waitFor(async () => ((await teamB().getOrUndefined(kcpPath('del-db'))) ? undefined : true), {
        description: "B's object to be released and gone",
        timeoutMs: 60_000,
      });
      await new Promise((r) => setTimeout(r, 3000));
      const after = await svc().getOrUndefined(local('del-db'));
      expect(after?.metadata.uid).toBe(before.metadata.uid);
    },
    STEP,
  );

  it(
    'the provider sees the collision on the PublishedResource (event + condition), cleared when resolved',
    async () => {
      await ownedByA('cond-db');
      await teamB().create(CRONTABS, cronTab('cond-db', 'attacker:1'));
      const refused = await waitFor(
        async () => {
          const pr = await getPublishedResource(world(), 'publish-crontabs');
          const c = (pr.status?.conditions ?? []).find((x: { type: string }) => x.type === 'ObjectsAccepted');
          return c?.status === 'False' && String(c.message).includes(`${clusterB()}/default/cond-db`)
            ? c
            : undefined;
        },
        { description: "ObjectsAccepted=False naming B's object", timeoutMs: 60_000 },
      );
      expect(refused.reason).toBe('NameCollision');
      expect(refused.message).toContain('local tenants/cond-db belongs to');
      const prEvents = await eventsFor(svc(), 'default', 'publish-crontabs');
      expect(prEvents.some((e) => e.reason === 'NameCollision')).toBe(true);
      await teamB().delete(kcpPath('cond-db'));
      await waitFor(
        async () => {
          const pr = await getPublishedResource(world(), 'publish-crontabs');
          const c = (pr.status?.conditions ?? []).find((x: { type: string }) => x.type === 'ObjectsAccepted');
          return c && !String(c.message).includes(`${clusterB()}/default/cond-db`) ? true : undefined;
        },
        { description: "the condition to drop B's object once it is deleted", timeoutMs: 60_000 },
      );
    },
    STEP,
  );

  it(
    "once A's object is deleted, B's waiting object gets the name",
    async () => {
      await ownedByA('free-db');
      await teamB().create(CRONTABS, cronTab('free-db', 'b:1'));
      await waitForEvent(1, 'free-db', 'NameCollision');
      await teamA().delete(kcpPath('free-db'));
      const taken = await waitFor(
        async () => {
          const o = await svc().getOrUndefined(local('free-db'));
          return o?.metadata.labels?.[CLUSTER_LABEL] === clusterB() ? o : undefined;
        },
        { description: "B's copy after A's is gone", timeoutMs: 60_000 },
      );
      expect(taken.spec.image).toBe('b:1');
    },
    STEP,
  );

  it(
    "a local object carrying another agent's name is not adopted",
    async () => {
      await svc().create(LOCAL, {
        ...cronTab('other-agent', 'theirs:1'),
        metadata: { name: 'other-agent', namespace: 'tenants', labels: { [AGENT_LABEL]: 'another-agent' } },
      });
      await teamA().create(CRONTABS, cronTab('other-agent', 'attacker:1'));
      await waitForEvent(0, 'other-agent', 'NameCollision');
      const o = await svc().get(local('other-agent'));
      expect(o.metadata.labels).toEqual({ [AGENT_LABEL]: 'another-agent' });
      expect(o.spec.image).toBe('theirs:1');
    },
    STEP,
  );

  it(
    'forged sync labels on a kcp object never reach the copy, also on later edits',
    async () => {
      const forged = {
        [CLUSTER_LABEL]: clusterA(),
        'syncagent.kcp.io/remote-object-name-hash': sha1('victim'),
        [AGENT_LABEL]: 'another-agent',
      };
      await teamB().create(CRONTABS, cronTab('forger', 'b:1'));
      await waitForObject(svc(), local('forger'));
      await teamB().mergePatch(kcpPath('forger'), { metadata: { labels: forged }, spec: { image: 'b:2' } });
      const copy = await waitFor(
        async () => {
          const o = await svc().get(local('forger'));
          return o.spec.image === 'b:2' ? o : undefined;
        },
        { description: 'the edit of the forger', timeoutMs: 30_000 },
      );
      expect(copy.metadata.labels?.[CLUSTER_LABEL]).toBe(clusterB());
      expect(copy.metadata.labels?.[AGENT_LABEL]).toBe(world().agentName);
      expect(copy.metadata.labels?.['syncagent.kcp.io/remote-object-name-hash']).toBe(sha1('forger'));
    },
    STEP,
  );

  it(
    'removing the finalizer and deleting at once leaves no orphaned copy',
    async () => {
      for (const name of ['orphan-1', 'orphan-2', 'orphan-3']) {
        await teamA().create(CRONTABS, cronTab(name, 'a:1'));
        await waitForObject(svc(), local(name));
        await teamA().mergePatch(kcpPath(name), { metadata: { finalizers: null } });
        await teamA().delete(kcpPath(name));
      }
      for (const name of ['orphan-1', 'orphan-2', 'orphan-3'])
        await waitFor(async () => ((await svc().getOrUndefined(local(name))) ? undefined : true), {
          description: `the copy of ${name} to be deleted`,
          timeoutMs: 60_000,
        });
    },
    STEP,
  );

  it(
    'an object deleted while the agent is down does not leave its copy behind',
    async () => {
      await teamA().create(CRONTABS, cronTab('down-orphan', 'a:1'));
      await waitForObject(svc(), local('down-orphan'));
      await restartAgent(
        world(),
        async () => {
          await teamA().mergePatch(kcpPath('down-orphan'), { metadata: { finalizers: null } });
          await teamA().delete(kcpPath('down-orphan'));
        },
        'agent-after-down-orphan',
      );
      await waitFor(async () => ((await svc().getOrUndefined(local('down-orphan'))) ? undefined : true), {
        description: 'the copy of down-orphan to be deleted after the restart',
        timeoutMs: 90_000,
      });
    },
    STEP,
  );

  it(
    'a copy that lost its sync labels gets the edit made meanwhile',
    async () => {
      await ownedByA('relabel', 'a:1');
      // Provider tooling rewrites the object without the agent's metadata.
      const copy = await svc().get(local('relabel'));
      copy.metadata.labels = { app: 'rewritten' };
      copy.metadata.annotations = {};
      await svc().update(local('relabel'), copy);
      await teamA().mergePatch(kcpPath('relabel'), { spec: { image: 'a:2' } });
      const synced = await waitFor(
        async () => {
          const o = await svc().get(local('relabel'));
          return o.spec.image === 'a:2' && o.metadata.labels?.[CLUSTER_LABEL] === clusterA() ? o : undefined;
        },
        { description: 'the edit and the identity back on the copy', timeoutMs: 60_000 },
      );
      expect(synced.metadata.labels?.app).toBe('rewritten');
    },
    STEP,
  );
});
