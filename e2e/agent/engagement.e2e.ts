// Consumer workspaces come and go (docs/compatibility.md#consumer-workspaces): an APIBinding deleted in one
// workspace disengages it without disturbing the others, and binding again engages it anew so its objects
// sync again.
import { bindExport } from '../world/provider.js';
import { waitFor } from '../world/wait.js';
import {
  startAgentWorld,
  waitForFinalizer,
  waitForObject,
  waitForServed,
  type AgentWorld,
  STEP,
  CRONTABS,
  sha3short,
} from './helpers.js';

describe('agent: engagement of consumer workspaces', () => {
  let w: AgentWorld;

  beforeAll(async () => {
    w = await startAgentWorld({
      name: 'agent-engage',
      manifests: [
        {
          apiVersion: 'syncagent.kcp.io/v1alpha1',
          kind: 'PublishedResource',
          metadata: { name: 'publish-crontabs' },
          spec: { resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] } },
        },
      ],
    });
  }, STEP);

  afterAll(async () => {
    await w?.stop();
  }, STEP);

  const crontab = (name: string) => ({
    apiVersion: 'example.com/v1',
    kind: 'CronTab',
    metadata: { name },
    spec: { cronSpec: name, image: 'e:1', replicas: 1 },
  });
  const localPath = (team: number, name: string) =>
    `/apis/example.com/v1/namespaces/${w.provider.teamClusterNames[team]}/crontabs/${sha3short('default')}-${sha3short(name)}`;

  it(
    'keeps syncing the other workspaces after one unbinds, and syncs the rebound one again',
    async () => {
      await waitForServed(w, 0, CRONTABS);
      await waitForServed(w, 1, CRONTABS);
      await w.provider.teamAdmin(1).create(CRONTABS, crontab('before-unbind'));
      await waitForObject(w.service.client, localPath(1, 'before-unbind'));

      const bindingPath = `/apis/apis.kcp.io/v1alpha1/apibindings/${w.provider.exportName}`;
      await w.provider.teamAdmin(1).delete(bindingPath);
      await waitFor(
        async () => ((await w.provider.teamAdmin(1).getOrUndefined(bindingPath)) ? undefined : true),
        { description: 'the APIBinding in team-b to be gone' },
      );

      await w.provider.teamAdmin(0).create(CRONTABS, crontab('while-unbound'));
      await waitForObject(w.service.client, localPath(0, 'while-unbound'));
      await waitForFinalizer(w.provider.teamAdmin(0), `${CRONTABS}/while-unbound`);

      await bindExport(
        w.provider.teamAdmin(1),
        w.provider.orgPath,
        w.provider.exportName,
        w.provider.permissionClaims,
      );
      await waitForServed(w, 1, CRONTABS);
      await w.provider.teamAdmin(1).create(CRONTABS, crontab('after-rebind'));
      const local = await waitForObject(w.service.client, localPath(1, 'after-rebind'));
      expect(local.spec.cronSpec).toBe('after-rebind');
      await waitForFinalizer(w.provider.teamAdmin(1), `${CRONTABS}/after-rebind`);
      expect(w.agent.hasExited()).toBe(false);
    },
    STEP,
  );
});
