import { ANNOTATION_KCP_CLUSTER, LABEL_PREFIX_KCP_CLAIMED } from '../../kcp/well-known.js';

/**
 * Label, annotation and finalizer keys the Go agent writes (docs/compatibility.md#metadata-keys). Exact
 * strings: compat-critical.
 */
export const FINALIZER_CLEANUP = 'syncagent.kcp.io/cleanup';

export const LABEL_AGENT_NAME = 'syncagent.kcp.io/agent-name';
export const ANNOTATION_AGENT_NAME = 'syncagent.kcp.io/agent-name';
/** On APIResourceSchemas: the generation of the CRD they were made from. */
export const ANNOTATION_SOURCE_GENERATION = 'syncagent.kcp.io/source-generation';

export const LABEL_REMOTE_CLUSTER = 'syncagent.kcp.io/remote-object-cluster';
export const LABEL_REMOTE_NAME_HASH = 'syncagent.kcp.io/remote-object-name-hash';
export const LABEL_REMOTE_NAMESPACE_HASH = 'syncagent.kcp.io/remote-object-namespace-hash';
export const ANNOTATION_REMOTE_NAME = 'syncagent.kcp.io/remote-object-name';
export const ANNOTATION_REMOTE_NAMESPACE = 'syncagent.kcp.io/remote-object-namespace';
export const ANNOTATION_REMOTE_WORKSPACE_PATH = 'syncagent.kcp.io/remote-object-workspace-path';

/**
 * On a service-side destination of an origin=kcp related object: `<cluster>/<namespace>/<name>` of the
 * kcp primary it was created for (docs/security.md). Never copied between sides.
 */
export const ANNOTATION_RELATED_OWNER = 'syncagent.kcp.io/related-owner';

/**
 * On a local object while the agent brings it up into kcp (engine/onboarding): the sync of its kcp
 * object waits. Written by the agent only, so it is never copied between sides.
 */
export const ANNOTATION_ONBOARDING_PENDING = 'syncagent.kcp.io/onboarding';

export const LABEL_OBJECT_STATE = 'syncagent.kcp.io/object-state';
export const RELATED_ANNOTATION_PREFIX = 'related-resources.syncagent.kcp.io/';

/**
 * Labels never copied between sides (the Go agent's list), plus the agent-name label: it marks the agent's own
 * copies, so a consumer must not be able to set it (docs/security.md, "Identity is the agent's").
 */
export const STRIPPED_LABELS: ReadonlySet<string> = new Set([
  LABEL_AGENT_NAME,
  LABEL_REMOTE_CLUSTER,
  LABEL_REMOTE_NAMESPACE_HASH,
  LABEL_REMOTE_NAME_HASH,
]);
export const STRIPPED_LABEL_PREFIXES: readonly string[] = [LABEL_PREFIX_KCP_CLAIMED];

/** Annotations never copied between sides (the Go agent's list, plus the related-owner annotation). */
export const STRIPPED_ANNOTATIONS: ReadonlySet<string> = new Set([
  ANNOTATION_KCP_CLUSTER,
  'kubectl.kubernetes.io/last-applied-configuration',
  ANNOTATION_REMOTE_NAMESPACE,
  ANNOTATION_REMOTE_NAME,
  ANNOTATION_REMOTE_WORKSPACE_PATH,
  ANNOTATION_RELATED_OWNER,
  ANNOTATION_ONBOARDING_PENDING,
]);
export const STRIPPED_ANNOTATION_PREFIXES: readonly string[] = [RELATED_ANNOTATION_PREFIX];
