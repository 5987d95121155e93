/**
 * Names kcp defines (annotations, labels, API groups): the one place they are written. Imports nothing,
 * so every layer may use it (the pure engine included).
 */

/** The logical cluster an object lives in; kcp sets it on every object it serves. */
export const ANNOTATION_KCP_CLUSTER = 'kcp.io/cluster';
/** The human workspace path (e.g. `root:org`), set on a workspace's LogicalCluster object. */
export const ANNOTATION_KCP_PATH = 'kcp.io/path';

/** Prefix of the labels kcp puts on objects claimed through an APIBinding's permission claims. */
export const LABEL_PREFIX_KCP_CLAIMED = 'claimed.internal.apis.kcp.io/';

/** API group of APIExports, APIBindings, APIResourceSchemas and endpoint slices. */
export const GROUP_KCP_APIS = 'apis.kcp.io';
/** API group of LogicalClusters. */
export const GROUP_KCP_CORE = 'core.kcp.io';
/** The version of the kcp API groups the agent uses. */
export const VERSION_KCP_APIS = 'v1alpha1';
