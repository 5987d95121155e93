/**
 * A fake kcp for unit tests of the controllers: one in-memory API server (runtime/testing/fake-multi.ts)
 * that serves a workspace at `/clusters/<name>` and an APIExport virtual workspace at
 * `/services/apiexport/<export>` (consumer workspaces below it at `/clusters/<name>`, all of them at
 * `/clusters/*`), stamps the logical cluster annotation on what it creates, and holds the
 * APIExportEndpointSlice that VirtualWorkspaces watches.
 */
import type { RestConfig } from '../../runtime/client/config.js';
import { resourcePath, type GVR } from '../../runtime/client/paths.js';
import { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { silentLogger } from '../../runtime/log.js';
import { testRestConfig } from '../../runtime/testing/config.js';
import { waitUntil } from '../../runtime/testing/wait.js';
import { FakeObjectServer, type ServedResource } from '../../runtime/testing/fake-multi.js';
import { ANNOTATION_KCP_CLUSTER } from '../well-known.js';
import { GVR_APIBINDINGS, GVR_APIEXPORT_ENDPOINT_SLICES } from '../resources.js';
import { VirtualWorkspaces } from '../virtual-workspaces.js';

const kcpResource = (group: string, resource: string, kind: string, namespaced = false): ServedResource => ({
  group,
  version: 'v1alpha1',
  resource,
  kind,
  namespaced,
  status: true,
});

/** The kcp resources the agent reads (served by every fake kcp). */
export const KCP_RESOURCES: ServedResource[] = [
  kcpResource('apis.kcp.io', 'apiexports', 'APIExport'),
  kcpResource('apis.kcp.io', 'apiexportendpointslices', 'APIExportEndpointSlice'),
  kcpResource('apis.kcp.io', 'apiresourceschemas', 'APIResourceSchema'),
  kcpResource('apis.kcp.io', 'apibindings', 'APIBinding'),
  kcpResource('core.kcp.io', 'logicalclusters', 'LogicalCluster'),
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
];

export interface FakeKcpOptions {
  /** The workspace of the APIExport and its slice; default `root`. */
  workspace?: string;
  /** Name of the APIExport and its APIExportEndpointSlice; default `export`. */
  exportName?: string;
  /** Resources served besides KCP_RESOURCES (the published types, claimed ones). */
  serve?: ServedResource[];
}

export class FakeKcp {
  readonly server: FakeObjectServer;
  readonly workspace: string;
  readonly exportName: string;
  private readonly clients: RestClient[] = [];

  constructor(opts: FakeKcpOptions = {}) {
    this.workspace = opts.workspace ?? 'root';
    this.exportName = opts.exportName ?? 'export';
    this.server = new FakeObjectServer({
      onCreate: (prefix, obj) => {
        const cluster = /\/clusters\/([^/]+)$/.exec(prefix)?.[1];
        if (!cluster || cluster === '*') return;
        const md = (obj.metadata ??= {});
        md.annotations = { ...(md.annotations ?? {}), [ANNOTATION_KCP_CLUSTER]: cluster };
      },
    });
    this.server.serve(...KCP_RESOURCES, ...(opts.serve ?? []));
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.close();
    await this.server.stop();
  }

  /** The virtual workspace URL of the APIExport. */
  get endpointURL(): string {
    return `${this.server.url}/services/apiexport/${this.workspace}/${this.exportName}`;
  }

  /** Config of the APIExport's workspace (`--kcp-kubeconfig`). */
  workspaceConfig(): RestConfig {
    return testRestConfig(`${this.server.url}/clusters/${this.workspace}`);
  }

  /** A client of the APIExport's workspace. */
  workspaceClient(): RestClient {
    return this.client(`${this.server.url}/clusters/${this.workspace}`);
  }

  /** A client of one consumer workspace through the virtual workspace. */
  consumer(cluster: string): RestClient {
    return this.client(`${this.endpointURL}/clusters/${cluster}`);
  }

  /** The path prefix of a consumer workspace's objects in the virtual workspace (see FakeObjectServer). */
  consumerPrefix(cluster: string): string {
    return `/services/apiexport/${this.workspace}/${this.exportName}/clusters/${cluster}`;
  }

  /** The stored path of an object in a consumer workspace, as seen through the virtual workspace. */
  consumerPath(cluster: string, gvr: GVR, namespace: string, name: string): string {
    return this.consumerPrefix(cluster) + resourcePath({ gvr, name, ...(namespace ? { namespace } : {}) });
  }

  /** The consumer's object as stored (a copy), or undefined. */
  consumerObject(
    cluster: string,
    gvr: GVR,
    namespace: string,
    name: string,
  ): Record<string, any> | undefined {
    return this.server.get(this.consumerPath(cluster, gvr, namespace, name));
  }

  /** Publishes the endpoint slice with the virtual workspace URL. */
  async publishSlice(): Promise<void> {
    const ws = this.workspaceClient();
    await ws.create(GVR_APIEXPORT_ENDPOINT_SLICES, {
      apiVersion: 'apis.kcp.io/v1alpha1',
      kind: 'APIExportEndpointSlice',
      metadata: { name: this.exportName },
    });
    const slice = await ws.get(GVR_APIEXPORT_ENDPOINT_SLICES, this.exportName);
    await ws.updateStatus(GVR_APIEXPORT_ENDPOINT_SLICES, {
      ...slice,
      status: { endpoints: [{ url: this.endpointURL }] },
    } as KubeObject);
  }

  /** Binds a consumer workspace (a Ready APIBinding), which engages it. */
  async bind(cluster: string): Promise<void> {
    const c = this.consumer(cluster);
    const b = await c.create(GVR_APIBINDINGS, {
      apiVersion: 'apis.kcp.io/v1alpha1',
      kind: 'APIBinding',
      metadata: { name: this.exportName },
    });
    await c.updateStatus(GVR_APIBINDINGS, {
      ...b,
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    } as KubeObject);
  }

  /** Started VirtualWorkspaces over this kcp, once `clusters` are engaged (stop() it when done). */
  async virtualWorkspaces(clusters: string[]): Promise<VirtualWorkspaces> {
    const vw = new VirtualWorkspaces(this.workspaceConfig(), this.exportName, silentLogger());
    vw.start();
    await vw.waitForSlice();
    await waitUntil(() => clusters.every((c) => vw.isEngaged(c)), `engagement of ${clusters.join(', ')}`);
    return vw;
  }

  private client(server: string): RestClient {
    const c = new RestClient(testRestConfig(server));
    this.clients.push(c);
    return c;
  }
}
