/**
 * Onboarding (docs/authoring.md, "Onboarding existing objects"): bringing an object that already exists
 * on the service cluster up into a consumer workspace, so that from then on it syncs like any object
 * made in kcp. Pure decisions only; controllers/sync/onboarding.ts performs them.
 *
 * The steps, each one write, re-planned after every write with what the servers answered:
 *   1. claim: the local object gets the sync identity of the kcp object it will have (the object-key
 *      labels and annotations, the agent label) plus ANNOTATION_ONBOARDING_PENDING. While that marker is
 *      on it, the sync of that kcp object waits, so nothing a consumer makes in the meantime reaches it.
 *   2. create: the kcp object, built from the local one, marked with the local object's UID.
 *   3. finish: the marker goes; the normal sync links both sides (finalizer, state, status).
 * A kcp object that exists already and was not created by step 2 for this very local object is a
 * conflict: the claim is taken back, the local object gets an event, and nothing is overwritten.
 *
 * Only the provider chooses the workspace (a label or annotation of the service-side object); it must
 * be one that binds the APIExport, and it is named by its logical cluster name, never by a path: a
 * path can later lead to another workspace, the logical cluster name cannot (docs/security.md).
 */
import { selectorFromSpec, type LabelSelectorSpec } from '../../runtime/labels/selector.js';
import {
  ANNOTATION_ONBOARDING_PENDING,
  ANNOTATION_REMOTE_NAME,
  ANNOTATION_REMOTE_NAMESPACE,
  LABEL_AGENT_NAME,
  LABEL_REMOTE_CLUSTER,
} from '../sync/keys.js';
import { objectKeyAnnotations, objectKeyLabels, type ObjectKey } from '../sync/object-key.js';
import { classifyOwnership } from '../sync/ownership.js';
import { isSpecKey } from '../sync/strip.js';
import { deepCopy, isBeingDeleted, meta, type Unstructured } from '../sync/unstructured.js';

export { ANNOTATION_ONBOARDING_PENDING };
/** On a kcp object created by onboarding: the UID of the local object it was made from. */
export const ANNOTATION_ONBOARDED_FROM = 'syncagent.kcp.io/onboarded-from';

export const EVENT_REASON_ONBOARDED = 'Onboarded';
export const EVENT_REASON_ONBOARDING_CONFLICT = 'OnboardingConflict';
export const EVENT_REASON_ONBOARDING_NOT_BOUND = 'OnboardingWorkspaceNotBound';
export const EVENT_REASON_ONBOARDING_INVALID_TARGET = 'OnboardingInvalidTarget';

/** Where a value is read from on the local object: exactly one of label or annotation. */
export interface MetadataKeyRef {
  label?: string;
  annotation?: string;
}

export interface OnboardingSpec {
  /** Which local objects to bring up into kcp. */
  selector: LabelSelectorSpec;
  /** The key whose value is the logical cluster name of the target workspace. */
  workspaceFrom: MetadataKeyRef;
  /** The key whose value is the kcp namespace (namespaced kcp types; default: the local namespace). */
  namespaceFrom?: MetadataKeyRef;
}

/** A kcp logical cluster name: lowercase alphanumerics and dashes, no path separators. */
const LOGICAL_CLUSTER_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function readKeyRef(obj: Unstructured, ref: MetadataKeyRef | undefined): string | undefined {
  if (!ref) return undefined;
  const md = meta(obj);
  if (ref.label) return md.labels?.[ref.label];
  if (ref.annotation) return md.annotations?.[ref.annotation];
  return undefined;
}

/** Whether the PublishedResource's onboarding selector picks `local`. */
export function isSelected(spec: OnboardingSpec | undefined, local: Unstructured): boolean {
  if (!spec) return false;
  return selectorFromSpec(spec.selector).matches(meta(local).labels);
}

/**
 * A local object without any sync identity that onboarding selects is reserved for onboarding: no kcp
 * object may adopt it, whatever its name renders to (a consumer must not get hold of a provider's
 * object by naming a kcp object after it). Returns a description for the collision report.
 */
export function reservedForOnboarding(
  spec: OnboardingSpec | undefined,
  existing: Unstructured,
  key: ObjectKey,
  agentName: string,
): string | undefined {
  if (!isSelected(spec, existing)) return undefined;
  if (classifyOwnership(existing, key, agentName).owner !== 'none') return undefined;
  return 'a service-side object selected for onboarding';
}

/** A local object the sync must not touch yet: its onboarding has not finished. */
export function onboardingPending(local: Unstructured | undefined): boolean {
  return meta(local ?? { metadata: {} }).annotations?.[ANNOTATION_ONBOARDING_PENDING] !== undefined;
}

export interface OnboardingFacts {
  spec: OnboardingSpec | undefined;
  local: Unstructured;
  agentName: string;
  /** The published kcp type. */
  remoteType: { apiVersion: string; kind: string; namespaced: boolean; subresources: readonly string[] };
  /** Whether a workspace (logical cluster name) binds the APIExport and is engaged. */
  engaged(cluster: string): boolean;
  /** The kcp object at the target: unknown until asked, then 'absent' or the object. */
  kcp: 'unknown' | 'absent' | Unstructured;
}

export interface OnboardingEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export type OnboardingDecision =
  | { type: 'nothing'; why: string }
  /** Report on the local object and stop (bad target, unbound workspace). */
  | { type: 'report'; event: OnboardingEvent }
  | { type: 'askKcp'; key: ObjectKey }
  /** Merge patch of the local object: its identity plus the pending marker. */
  | { type: 'claim'; key: ObjectKey; patch: Unstructured }
  | { type: 'create'; key: ObjectKey; object: Unstructured }
  /** Merge patch removing the pending marker; the object is onboarded. */
  | { type: 'finish'; key: ObjectKey; patch: Unstructured; event: OnboardingEvent }
  /** A claim whose target no longer applies is taken back (then planned again). */
  | { type: 'release'; key: ObjectKey; patch: Unstructured }
  /** Conflict: the claim (if any) is taken back with `patch` and the event reported. */
  | { type: 'conflict'; key: ObjectKey; patch: Unstructured | undefined; event: OnboardingEvent };

const warn = (reason: string, message: string): OnboardingDecision => ({
  type: 'report',
  event: { type: 'Warning', reason, message },
});

function describeKey(key: ObjectKey): string {
  return key.namespace ? `${key.clusterName}/${key.namespace}/${key.name}` : `${key.clusterName}/${key.name}`;
}

/** The kcp object an onboarded local object gets: its name, the target namespace, the local spec. */
export function onboardingTarget(
  facts: Pick<OnboardingFacts, 'spec' | 'local' | 'remoteType'>,
): { key: ObjectKey } | { problem: OnboardingDecision } {
  const { spec, local } = facts;
  const md = meta(local);
  const cluster = readKeyRef(local, spec?.workspaceFrom);
  if (cluster === undefined || cluster === '')
    return {
      problem: warn(
        EVENT_REASON_ONBOARDING_INVALID_TARGET,
        'Cannot onboard: the object names no target workspace.',
      ),
    };
  if (!LOGICAL_CLUSTER_NAME.test(cluster)) {
    const hint = cluster.includes(':')
      ? ' Workspace paths are not accepted; use the logical cluster name.'
      : '';
    return {
      problem: warn(
        EVENT_REASON_ONBOARDING_INVALID_TARGET,
        `Cannot onboard: ${JSON.stringify(cluster)} is not a logical cluster name.${hint}`,
      ),
    };
  }
  let namespace = '';
  if (facts.remoteType.namespaced) {
    namespace = readKeyRef(local, spec?.namespaceFrom) || md.namespace || '';
    if (!DNS1123_LABEL.test(namespace) || namespace.length > 63)
      return {
        problem: warn(
          EVENT_REASON_ONBOARDING_INVALID_TARGET,
          `Cannot onboard: ${JSON.stringify(namespace)} is not a valid kcp namespace.`,
        ),
      };
  }
  return { key: { clusterName: cluster, workspacePath: '', namespace, name: md.name ?? '' } };
}

/** The kcp object created for `local`: spec content only, no labels of the provider, no status. */
export function buildKcpObject(
  local: Unstructured,
  key: ObjectKey,
  remoteType: OnboardingFacts['remoteType'],
): Unstructured {
  const obj: Unstructured = {
    apiVersion: remoteType.apiVersion,
    kind: remoteType.kind,
    metadata: {
      name: key.name,
      ...(key.namespace ? { namespace: key.namespace } : {}),
      annotations: { [ANNOTATION_ONBOARDED_FROM]: meta(local).uid ?? '' },
    },
  };
  for (const [k, v] of Object.entries(local))
    if (isSpecKey(k, remoteType.subresources)) obj[k] = deepCopy(v as Unstructured);
  return obj;
}

/** Merge patch that gives the local object the identity of `key` and the pending marker. */
function claimPatch(key: ObjectKey, agentName: string): Unstructured {
  return {
    metadata: {
      labels: { ...objectKeyLabels(key), [LABEL_AGENT_NAME]: agentName },
      annotations: { ...objectKeyAnnotations(key), [ANNOTATION_ONBOARDING_PENDING]: describeKey(key) },
    },
  };
}

/** The target this agent claimed `local` for (pending objects), from the identity the claim wrote. */
function ownClaim(local: Unstructured, agentName: string): ObjectKey | undefined {
  const md = meta(local);
  if (md.labels?.[LABEL_AGENT_NAME] !== agentName) return undefined;
  const clusterName = md.labels?.[LABEL_REMOTE_CLUSTER];
  const name = md.annotations?.[ANNOTATION_REMOTE_NAME];
  if (!clusterName || !name) return undefined;
  return {
    clusterName,
    workspacePath: '',
    namespace: md.annotations?.[ANNOTATION_REMOTE_NAMESPACE] ?? '',
    name,
  };
}

/** Merge patch that takes a claim back: every key the claim set, removed. */
function releasePatch(key: ObjectKey): Unstructured {
  const nulls = (m: Record<string, string>) => Object.fromEntries(Object.keys(m).map((k) => [k, null]));
  return {
    metadata: {
      labels: nulls({ ...objectKeyLabels(key), [LABEL_AGENT_NAME]: '' }),
      annotations: nulls({ ...objectKeyAnnotations(key), [ANNOTATION_ONBOARDING_PENDING]: '' }),
    },
  };
}

export function planOnboarding(f: OnboardingFacts): OnboardingDecision {
  const { local } = f;
  if (isBeingDeleted(local)) return { type: 'nothing', why: 'being deleted' };
  const pending = onboardingPending(local);
  const claim = pending ? ownClaim(local, f.agentName) : undefined;
  if (!isSelected(f.spec, local)) {
    // Deselected half-way: the claim goes, so the sync of that kcp object does not wait forever.
    return claim
      ? { type: 'release', key: claim, patch: releasePatch(claim) }
      : { type: 'nothing', why: 'not selected' };
  }
  const target = onboardingTarget(f);
  if ('problem' in target)
    return claim ? { type: 'release', key: claim, patch: releasePatch(claim) } : target.problem;
  const { key } = target;
  const ownership = classifyOwnership(local, key, f.agentName);
  if (ownership.owner === 'other') {
    // A target changed half-way: the old claim goes first, the next plan claims the new target.
    if (claim) return { type: 'release', key: claim, patch: releasePatch(claim) };
    return { type: 'nothing', why: `linked to ${ownership.description}` };
  }
  if (ownership.owner === 'self' && !pending) return { type: 'nothing', why: 'onboarded already' };

  if (!f.engaged(key.clusterName)) {
    return warn(
      EVENT_REASON_ONBOARDING_NOT_BOUND,
      `Cannot onboard: workspace ${key.clusterName} does not bind this API (or is not reachable yet).`,
    );
  }
  if (f.kcp === 'unknown') return { type: 'askKcp', key };

  if (f.kcp !== 'absent') {
    const ours = pending && meta(f.kcp).annotations?.[ANNOTATION_ONBOARDED_FROM] === meta(local).uid;
    if (ours) {
      return {
        type: 'finish',
        key,
        patch: { metadata: { annotations: { [ANNOTATION_ONBOARDING_PENDING]: null } } },
        event: {
          type: 'Normal',
          reason: EVENT_REASON_ONBOARDED,
          message: `Onboarded into workspace ${key.clusterName} as ${key.namespace ? `${key.namespace}/` : ''}${key.name}.`,
        },
      };
    }
    return {
      type: 'conflict',
      key,
      patch: pending ? releasePatch(key) : undefined,
      event: {
        type: 'Warning',
        reason: EVENT_REASON_ONBOARDING_CONFLICT,
        message: `Cannot onboard: ${describeKey(key)} exists in kcp already; nothing was overwritten.`,
      },
    };
  }
  if (!pending) return { type: 'claim', key, patch: claimPatch(key, f.agentName) };
  return { type: 'create', key, object: buildKcpObject(local, key, f.remoteType) };
}
