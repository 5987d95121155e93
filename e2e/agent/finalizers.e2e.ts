// Agent-scoped finalizers and waiting for foreign finalizers, the way a provider runs them:
// `--finalizer-mode=agent --foreign-finalizer-timeout=20s`. A second agent holding the same kcp object is
// stood for by its scoped finalizer (`syncagent.kcp.io/cleanup-<other>`), which this agent must neither
// remove nor wait for; a foreign finalizer (a backup controller's) keeps the service-side copy until it is
// removed or the time limit passes; switching modes on a live object migrates its finalizer both ways.
// Then two real agents (two names, one provider) copy the same kcp ConfigMap as a related object of
// their own primaries: each holds it with its own finalizer, and deleting it cleans up both copies.
import { startAgent, standardAgentArgs, type AgentProcess } from '../world/agent.js';
import { simpleCrd } from '../world/manifests.js';
import type { KubeObject } from '../world/rest.js';
import { waitFor } from '../world/wait.js';
import {
  CRONTABS,
  createCronTabAndWaitForCopy,
  eventsFor,
  localCronTabPath,
  publishCronTabs,
  publishedResource,
  restartAgent,
  startAgentWorld,
  waitForServed,
  type AgentWorld,
  STEP,
} from './helpers.js';

const AGENT = 'e2e-agent';
const OURS = `syncagent.kcp.io/cleanup-${AGENT}`;
const SHARED = 'syncagent.kcp.io/cleanup';
const OTHER_AGENT = 'syncagent.kcp.io/cleanup-other-provider';
const BACKUP = 'backup.example.com/protect';
const LIMIT_S = 20;

const finalizersOf = (o: KubeObject | undefined): string[] => (o?.metadata.finalizers as string[]) ?? [];

describe('agent: finalizers', () => {
  let w: AgentWorld;
  const team = () => w.provider.teamAdmin(0);
  const kcpPath = (name: string) => `${CRONTABS}/${name}`;

  /** Waits until the kcp object's finalizers (in any order) are exactly `wanted`. */
  const waitForFinalizers = (name: string, wanted: string[], timeoutMs = 60_000) =>
    waitFor(
      async () => {
        const o = await team().getOrUndefined(kcpPath(name));
        const have = [...finalizersOf(o)].sort();
        return JSON.stringify(have) === JSON.stringify([...wanted].sort()) ? o : undefined;
      },
      { description: `${name} to carry exactly the finalizers ${wanted.join(', ')}`, timeoutMs },
    );
  /** Rewrites the finalizers with optimistic locking (the agent writes them too), retrying on conflicts. */
  const editFinalizers = (name: string, edit: (f: string[]) => string[]) =>
    waitFor(
      async () => {
        const o = await team().get(kcpPath(name));
        const metadata = { resourceVersion: o.metadata.resourceVersion, finalizers: edit(finalizersOf(o)) };
        return team().mergePatch(kcpPath(name), { metadata });
      },
      { description: `the finalizers of ${name} to be edited` },
    );
  const addFinalizers = (name: string, extra: string[]) => editFinalizers(name, (f) => [...f, ...extra]);
  const removeFinalizer = (name: string, gone: string) =>
    editFinalizers(name, (f) => f.filter((x) => x !== gone));
  const setMode = async (mode: 'shared' | 'agent', logName: string) => {
    w.agentArgs = [
      ...w.agentArgs.filter((a) => !a.startsWith('--finalizer-mode=')),
      `--finalizer-mode=${mode}`,
    ];
    await restartAgent(w, undefined, logName);
  };

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-finalizers',
      agentName: AGENT,
      manifests: [publishCronTabs()],
      extraArgs: ['--finalizer-mode=agent', `--foreign-finalizer-timeout=${LIMIT_S}s`],
    });
    await waitForServed(w, 0, CRONTABS);
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  it(
    'puts its own scoped finalizer on the kcp object and releases only that one, not waiting for another agent',
    async () => {
      await createCronTabAndWaitForCopy(w, 'shared-object');
      await waitForFinalizers('shared-object', [OURS]);
      // Another provider's agent (or a consumer pretending to be one) holds the object too.
      await addFinalizers('shared-object', [OTHER_AGENT]);
      await team().delete(kcpPath('shared-object'));
      // Agent finalizers are never waited for: the copy goes at once, only our finalizer is removed.
      await waitFor(
        async () =>
          (await w.service.client.getOrUndefined(localCronTabPath(w, 'shared-object'))) === undefined,
        {
          description: 'the copy of shared-object to be deleted',
          timeoutMs: 15_000,
        },
      );
      const held = await waitForFinalizers('shared-object', [OTHER_AGENT]);
      expect(held.metadata.deletionTimestamp).toBeDefined();
      // The other agent finishes its own cleanup: the object goes.
      await removeFinalizer('shared-object', OTHER_AGENT);
      await waitFor(async () => (await team().getOrUndefined(kcpPath('shared-object'))) === undefined, {
        description: 'shared-object to be gone',
      });
    },
    STEP,
  );

  it(
    'migrates a live object shared → agent → shared without a moment without its finalizer',
    async () => {
      await setMode('shared', 'agent-shared');
      await createCronTabAndWaitForCopy(w, 'migrating');
      await addFinalizers('migrating', [OTHER_AGENT]);
      await waitForFinalizers('migrating', [SHARED, OTHER_AGENT]);

      // Watch the object while the agent switches: at least one of our names is always on it.
      let watching = true;
      const gaps: string[][] = [];
      const watcher = (async () => {
        while (watching) {
          const f = finalizersOf(await team().getOrUndefined(kcpPath('migrating')));
          if (!f.includes(SHARED) && !f.includes(OURS)) gaps.push(f);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      await setMode('agent', 'agent-agent-mode');
      await waitForFinalizers('migrating', [OURS, OTHER_AGENT]);
      await setMode('shared', 'agent-shared-again');
      await waitForFinalizers('migrating', [SHARED, OTHER_AGENT]);
      watching = false;
      await watcher;
      expect(gaps).toEqual([]);

      // Back in agent mode for the remaining tests; the object is cleaned up as usual.
      await setMode('agent', 'agent-agent-mode-again');
      await waitForFinalizers('migrating', [OURS, OTHER_AGENT]);
      await removeFinalizer('migrating', OTHER_AGENT);
      await team().delete(kcpPath('migrating'));
      await waitFor(async () => (await team().getOrUndefined(kcpPath('migrating'))) === undefined, {
        description: 'migrating to be gone',
      });
      expect(await w.service.client.getOrUndefined(localCronTabPath(w, 'migrating'))).toBeUndefined();
    },
    STEP,
  );

  it(
    'keeps the copy while a foreign finalizer remains and tears it down once it is removed in time',
    async () => {
      await createCronTabAndWaitForCopy(w, 'backed-up');
      await waitForFinalizers('backed-up', [OURS]);
      await addFinalizers('backed-up', [BACKUP]);
      await team().delete(kcpPath('backed-up'));
      await new Promise((r) => setTimeout(r, 6_000));
      expect(await w.service.client.getOrUndefined(localCronTabPath(w, 'backed-up'))).toBeDefined();
      await removeFinalizer('backed-up', BACKUP);
      await waitFor(async () => (await team().getOrUndefined(kcpPath('backed-up'))) === undefined, {
        description: 'backed-up to be gone',
        timeoutMs: 30_000,
      });
      expect(await w.service.client.getOrUndefined(localCronTabPath(w, 'backed-up'))).toBeUndefined();
      expect((await eventsFor(team(), 'default', 'backed-up')).map((e) => e.reason)).not.toContain(
        'ForeignFinalizersTimeout',
      );
    },
    STEP,
  );

  it(
    'gives up at the time limit on a finalizer nobody removes (a consumer cannot stall cleanup forever)',
    async () => {
      await createCronTabAndWaitForCopy(w, 'stuck');
      await waitForFinalizers('stuck', [OURS]);
      await addFinalizers('stuck', ['consumer.example.org/never-removed']);
      const deletedAt = Date.now();
      await team().delete(kcpPath('stuck'));
      await waitFor(
        async () => (await w.service.client.getOrUndefined(localCronTabPath(w, 'stuck'))) === undefined,
        {
          description: 'the copy of stuck to be deleted after the limit',
          timeoutMs: (LIMIT_S + 30) * 1000,
        },
      );
      // Not before the limit (less a second of clock skew between kcp and this machine).
      expect(Date.now() - deletedAt).toBeGreaterThanOrEqual((LIMIT_S - 1) * 1000);
      await waitForFinalizers('stuck', ['consumer.example.org/never-removed']);
      const ev = await waitFor(
        async () =>
          (await eventsFor(team(), 'default', 'stuck')).find((e) => e.reason === 'ForeignFinalizersTimeout'),
        { description: 'a ForeignFinalizersTimeout event on stuck' },
      );
      expect(ev.type).toBe('Warning');
      expect(ev.message).toContain('consumer.example.org/never-removed');
      await removeFinalizer('stuck', 'consumer.example.org/never-removed');
    },
    STEP,
  );
});

describe('agent: two agents holding the same kcp object', () => {
  let w: AgentWorld;
  let agentB: AgentProcess | undefined;
  const GADGETS = '/apis/proj.example.com/v1/namespaces/default/gadgets';
  const settings = (identifier: string) => ({
    identifier,
    origin: 'kcp',
    group: '',
    version: 'v1',
    resource: 'configmaps',
    object: { reference: { path: 'metadata.labels.settings' } },
  });
  const labelled = (pr: KubeObject, agent: string): KubeObject => ({
    ...pr,
    metadata: { ...pr.metadata, labels: { agent } },
  });

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-finalizers-two',
      agentName: 'agent-a',
      manifests: [
        simpleCrd('proj.example.com', 'Gadget', 'gadgets', { status: 'none' }),
        labelled(publishCronTabs({ related: [settings('settings')] }), 'a'),
        // Agent b puts its copies into a namespace of its own, so the two related copies do not meet.
        labelled(
          publishedResource('publish-gadgets', {
            resource: { apiGroup: 'proj.example.com', kind: 'Gadget' },
            naming: { namespace: '{{ .ClusterName }}-b' },
            related: [settings('settings')],
          }),
          'b',
        ),
      ],
      extraArgs: ['--finalizer-mode=agent', '--published-resource-selector=agent=a'],
    });
    agentB = await startAgent({
      artifactsDir: w.artifactsDir,
      name: 'agent-b',
      args: standardAgentArgs({
        agentName: 'agent-b',
        endpointSliceName: w.provider.endpointSliceName,
        serviceKubeconfig: w.service.kubeconfigPath,
        kcpKubeconfig: w.provider.agentKubeconfigPath,
        extra: ['--finalizer-mode=agent', '--published-resource-selector=agent=b'],
      }),
    });
    await waitForServed(w, 0, CRONTABS);
    await waitForServed(w, 0, GADGETS);
  }, STEP);

  afterAll(async () => {
    await agentB?.stop();
    await w?.stop();
  }, STEP);

  it(
    'each agent holds the shared ConfigMap with its own finalizer; deleting it removes both copies',
    async () => {
      const team = w.provider.teamAdmin(0);
      const cluster = w.provider.teamClusterNames[0]!;
      const cmPath = '/api/v1/namespaces/default/configmaps/shared-settings';
      await team.create('/api/v1/namespaces/default/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'shared-settings', namespace: 'default' },
        data: { tier: 'gold' },
      });
      await createCronTabAndWaitForCopy(w, 'uses-settings', { settings: 'shared-settings' });
      await team.create(GADGETS, {
        apiVersion: 'proj.example.com/v1',
        kind: 'Gadget',
        metadata: { name: 'uses-settings', namespace: 'default', labels: { settings: 'shared-settings' } },
        spec: { value: 'x' },
      });
      const copyA = `/api/v1/namespaces/${cluster}/configmaps/shared-settings`;
      const copyB = `/api/v1/namespaces/${cluster}-b/configmaps/shared-settings`;
      for (const copy of [copyA, copyB]) {
        await waitFor(() => w.service.client.getOrUndefined(copy), { description: `${copy} to exist` });
      }
      await waitFor(
        async () => {
          const f = finalizersOf(await team.get(cmPath));
          return (
            f.includes('syncagent.kcp.io/cleanup-agent-a') && f.includes('syncagent.kcp.io/cleanup-agent-b')
          );
        },
        { description: 'the kcp ConfigMap to carry both agents’ finalizers' },
      );
      expect(finalizersOf(await team.get(cmPath))).not.toContain('syncagent.kcp.io/cleanup');

      await team.delete(cmPath);
      await waitFor(async () => (await team.getOrUndefined(cmPath)) === undefined, {
        description: 'the kcp ConfigMap to be gone once both agents released it',
      });
      // Neither agent's copy is left behind (with one shared finalizer the first release lets the object go).
      expect(await w.service.client.getOrUndefined(copyA)).toBeUndefined();
      expect(await w.service.client.getOrUndefined(copyB)).toBeUndefined();
    },
    STEP,
  );
});
