/** kcp API resources the agent talks to (the versions the Go agent uses). */
import type { GVR } from '../runtime/client/paths.js';
import { GROUP_KCP_APIS, GROUP_KCP_CORE, VERSION_KCP_APIS } from './well-known.js';

export const GVR_APIEXPORTS: GVR = {
  group: GROUP_KCP_APIS,
  version: VERSION_KCP_APIS,
  resource: 'apiexports',
};
export const GVR_APIEXPORT_ENDPOINT_SLICES: GVR = {
  group: GROUP_KCP_APIS,
  version: VERSION_KCP_APIS,
  resource: 'apiexportendpointslices',
};
export const GVR_APIRESOURCESCHEMAS: GVR = {
  group: GROUP_KCP_APIS,
  version: VERSION_KCP_APIS,
  resource: 'apiresourceschemas',
};
export const GVR_APIBINDINGS: GVR = {
  group: GROUP_KCP_APIS,
  version: VERSION_KCP_APIS,
  resource: 'apibindings',
};
export const GVR_LOGICAL_CLUSTERS: GVR = {
  group: GROUP_KCP_CORE,
  version: VERSION_KCP_APIS,
  resource: 'logicalclusters',
};

export const GVR_NAMESPACES: GVR = { group: '', version: 'v1', resource: 'namespaces' };
export const GVR_SECRETS: GVR = { group: '', version: 'v1', resource: 'secrets' };
export const GVR_CRDS: GVR = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
};

/** The one LogicalCluster object every workspace has. */
export const LOGICAL_CLUSTER_NAME = 'cluster';
