/**
 * Startup resolution of the sync endpoint (docs/compatibility.md#startup): the APIExportEndpointSlice named
 * on the command line, the logical cluster of its workspace, the APIExport it points at (possibly in another
 * workspace) and that workspace's logical cluster. Uncached GETs; any failure is fatal at startup.
 */
import { withServer, type RestConfig } from '../runtime/client/config.js';
import { RestClient } from '../runtime/client/rest.js';
import type { KubeObject } from '../runtime/client/types.js';
import { ANNOTATION_KCP_CLUSTER, ANNOTATION_KCP_PATH } from './well-known.js';
import {
  GVR_APIEXPORT_ENDPOINT_SLICES,
  GVR_APIEXPORTS,
  GVR_LOGICAL_CLUSTERS,
  LOGICAL_CLUSTER_NAME,
} from './resources.js';
import { assertWorkspaceURL, retargetWorkspaceURL } from './urls.js';

export interface LogicalClusterRef {
  /** Logical cluster name (`kcp.io/cluster`), e.g. `2x7abc`. */
  name: string;
  /** Human workspace path (`kcp.io/path`), e.g. `root:org`. */
  path: string;
}

export interface KcpEndpoint {
  /** The kcp kubeconfig as given: the endpoint slice's workspace. */
  sliceConfig: RestConfig;
  sliceName: string;
  sliceCluster: LogicalClusterRef;
  slice: KubeObject;
  /** The APIExport's workspace (retargeted when `spec.export.path` is set). */
  exportConfig: RestConfig;
  exportName: string;
  exportCluster: LogicalClusterRef;
  apiExport: KubeObject;
}

export async function resolveLogicalCluster(client: RestClient): Promise<LogicalClusterRef> {
  const lc = await client.get(GVR_LOGICAL_CLUSTERS, LOGICAL_CLUSTER_NAME);
  const annotations = lc.metadata?.annotations ?? {};
  return { name: annotations[ANNOTATION_KCP_CLUSTER] ?? '', path: annotations[ANNOTATION_KCP_PATH] ?? '' };
}

export async function resolveKcpEndpoint(kcpConfig: RestConfig, sliceName: string): Promise<KcpEndpoint> {
  assertWorkspaceURL(kcpConfig.server);
  const sliceClient = new RestClient(kcpConfig);
  const slice = await sliceClient.get(GVR_APIEXPORT_ENDPOINT_SLICES, sliceName).catch((err: unknown) => {
    throw new Error(
      `failed to get APIExportEndpointSlice ${JSON.stringify(sliceName)}: ${(err as Error).message}`,
    );
  });
  const sliceCluster = await resolveLogicalCluster(sliceClient).catch((err: unknown) => {
    throw new Error(`failed to resolve the endpoint slice's logical cluster: ${(err as Error).message}`);
  });

  const exportRef = ((slice.spec as { export?: { path?: string; name?: string } } | undefined)?.export ??
    {}) as {
    path?: string;
    name?: string;
  };
  const exportName = exportRef.name ?? '';
  if (exportName === '') throw new Error(`APIExportEndpointSlice ${sliceName} has no spec.export.name`);
  const exportConfig = exportRef.path
    ? withServer(kcpConfig, retargetWorkspaceURL(kcpConfig.server, exportRef.path))
    : kcpConfig;
  const exportClient = exportConfig === kcpConfig ? sliceClient : new RestClient(exportConfig);
  const apiExport = await exportClient.get(GVR_APIEXPORTS, exportName).catch((err: unknown) => {
    throw new Error(`failed to get APIExport ${JSON.stringify(exportName)}: ${(err as Error).message}`);
  });
  const exportCluster =
    exportConfig === kcpConfig
      ? sliceCluster
      : await resolveLogicalCluster(exportClient).catch((err: unknown) => {
          throw new Error(`failed to resolve the APIExport's logical cluster: ${(err as Error).message}`);
        });
  sliceClient.close();
  if (exportClient !== sliceClient) exportClient.close();
  return {
    sliceConfig: kcpConfig,
    sliceName,
    sliceCluster,
    slice,
    exportConfig,
    exportName,
    exportCluster,
    apiExport,
  };
}
