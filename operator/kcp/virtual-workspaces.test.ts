// VirtualWorkspaces against a fake kcp: engagement follows the APIBindings seen through the virtual
// workspace, clients are scoped to one consumer workspace, and wildcard informers follow the slice.
import { GVR_APIBINDINGS, GVR_APIEXPORT_ENDPOINT_SLICES } from './resources.js';
import { FakeKcp } from './testing/fake-kcp.js';
import type { VirtualWorkspaces } from './virtual-workspaces.js';
import type { GVR } from '../runtime/client/paths.js';
import type { KubeObject } from '../runtime/client/types.js';
import { waitUntil } from '../runtime/testing/wait.js';

const WIDGETS: GVR = { group: 'example.com', version: 'v1', resource: 'widgets' };

describe('VirtualWorkspaces', () => {
  let kcp: FakeKcp;
  let vw: VirtualWorkspaces | undefined;
  beforeEach(async () => {
    kcp = new FakeKcp({
      serve: [{ ...WIDGETS, kind: 'Widget', namespaced: true }],
    });
    await kcp.start();
    await kcp.publishSlice();
  });
  afterEach(async () => {
    await vw?.stop();
    vw = undefined;
    await kcp.stop();
  });

  const widget = (name: string): KubeObject => ({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name, namespace: 'default' },
  });

  it('engages a workspace with a Ready binding and disengages it when the binding goes', async () => {
    await kcp.bind('ws1');
    vw = await kcp.virtualWorkspaces(['ws1']);
    const changes: string[] = [];
    vw.addListener({
      engaged: (c) => changes.push(`+${c}`),
      disengaged: (c) => changes.push(`-${c}`),
    });
    expect(changes).toEqual(['+ws1']); // already engaged: replayed
    expect(vw.urls()).toEqual([kcp.endpointURL]);

    // A binding that is not Ready does not engage.
    await kcp.consumer('ws2').create(GVR_APIBINDINGS, { metadata: { name: 'export' } });
    await kcp.bind('ws3');
    await waitUntil(() => vw!.isEngaged('ws3'), 'ws3 engaged');
    expect(vw.engagedClusters()).toEqual(['ws1', 'ws3']);

    await kcp.consumer('ws1').delete(GVR_APIBINDINGS, 'export');
    await waitUntil(() => !vw!.isEngaged('ws1'), 'ws1 disengaged');
    expect(changes).toEqual(['+ws1', '+ws3', '-ws1']);
    expect(vw.clusterClient('ws1')).toBeUndefined();
  });

  it('gives clients scoped to one workspace and wildcard informers across all of them', async () => {
    await kcp.bind('ws1');
    await kcp.bind('ws2');
    vw = await kcp.virtualWorkspaces(['ws1', 'ws2']);
    await vw.clusterClient('ws1')!.create(WIDGETS, widget('a'));
    await vw.clusterClient('ws2')!.create(WIDGETS, widget('b'));
    expect(kcp.consumerObject('ws1', WIDGETS, 'default', 'a')).toBeDefined();
    expect(kcp.consumerObject('ws1', WIDGETS, 'default', 'b')).toBeUndefined();

    const set = vw.informersFor(WIDGETS);
    await set.waitForSync();
    expect(set.hasSynced()).toBe(true);
    expect(set.get('ws1', 'default', 'a')?.metadata?.name).toBe('a');
    expect(set.get('ws1', 'default', 'b')).toBeUndefined();
    expect(set.list({ cluster: 'ws2' }).map((o) => o.metadata?.name)).toEqual(['b']);
    const added: string[] = [];
    set.addEventHandler({ onAdd: (o) => added.push(o.metadata?.name ?? '') });
    await vw.clusterClient('ws2')!.create(WIDGETS, widget('c'));
    await waitUntil(() => set.get('ws2', 'default', 'c') !== undefined, 'c in the wildcard cache');
    expect(added).toContain('c');
    await set.stop();
  });

  it('drops the endpoint and disengages its workspaces when the slice loses it', async () => {
    await kcp.bind('ws1');
    vw = await kcp.virtualWorkspaces(['ws1']);
    const ws = kcp.workspaceClient();
    const slice = await ws.get(GVR_APIEXPORT_ENDPOINT_SLICES, kcp.exportName);
    await ws.updateStatus(GVR_APIEXPORT_ENDPOINT_SLICES, { ...slice, status: { endpoints: [] } });
    await waitUntil(() => vw!.urls().length === 0, 'the endpoint to go');
    expect(vw.isEngaged('ws1')).toBe(false);
  });
});
