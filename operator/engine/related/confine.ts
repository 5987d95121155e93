/**
 * Confinement of related objects on the service cluster, pure (docs/security.md).
 *
 * A consumer writes the kcp primary, so every value a related entry reads from it (a reference path,
 * a template with actions, a templated label selector, the names of the consumer's kcp namespaces)
 * is attacker-controlled. These rules decide, before any request is sent, which service-side
 * namespaces and objects such a value may reach:
 *
 *  - `relatedNameProblem`: names and namespaces must be Kubernetes names (no `..`, `/`, empty, ...);
 *  - `serviceNamespaceControl` + `confineNamespace`: a consumer-controlled service-side namespace must
 *    be the namespace of the primary's own copy, or one the provider allowed in
 *    `spec.related[].allowedNamespaces`; the agent's own namespace never;
 *  - `foreignIdentity`: a service-side object that carries another kcp object's identity (sync labels
 *    and annotations, the related-owner annotation, an ownerReference to another primary's copy);
 *  - `relatedOwnership`: whether an existing service-side destination belongs to this primary.
 */
import type {
  AllowedNamespaces,
  RelatedResourceObjectSpec,
  RelatedResourceSpec,
} from '../../apis/v1alpha1/types.js';
import { selectorFromSpec } from '../../runtime/labels/selector.js';
import {
  ANNOTATION_RELATED_OWNER,
  ANNOTATION_REMOTE_NAME,
  ANNOTATION_REMOTE_NAMESPACE,
  LABEL_REMOTE_CLUSTER,
  LABEL_REMOTE_NAME_HASH,
  LABEL_REMOTE_NAMESPACE_HASH,
} from '../sync/keys.js';
import { objectKeyLabels } from '../sync/object-key.js';
import type { PlannedObject } from './plan.js';

type Obj = Record<string, unknown>;

/** A kcp object: logical cluster, namespace ("" when cluster-scoped) and name. */
export interface KcpIdentity {
  cluster: string;
  namespace: string;
  name: string;
}

// ---------------------------------------------------------------------------------------------------
// Names

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `value` is not a valid object name (DNS-1123 subdomain), or undefined. */
export function objectNameProblem(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (value.length > 253) return `must be no more than 253 characters (has ${value.length})`;
  if (!DNS1123_SUBDOMAIN.test(value))
    return "must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-' and '.', starting and ending with a letter or digit)";
  return undefined;
}

/** Why `value` is not a valid namespace name (DNS-1123 label), or undefined. */
export function namespaceNameProblem(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (value.length > 63) return `must be no more than 63 characters (has ${value.length})`;
  if (!DNS1123_LABEL.test(value))
    return "must be a lowercase RFC 1123 label (a-z, 0-9 and '-', starting and ending with a letter or digit)";
  return undefined;
}

/**
 * The first invalid value of a planned related object (origin and destination, namespace and name),
 * as a message naming the field and the value; undefined when all are Kubernetes names. An empty
 * namespace is fine only when both sides have none (cluster-scoped related objects).
 */
export function relatedNameProblem(p: PlannedObject): string | undefined {
  const clusterScoped = p.originNamespace === '' && p.destNamespace === '';
  const checks: [string, string, (v: string) => string | undefined][] = [];
  if (!clusterScoped)
    checks.push(
      ['origin namespace', p.originNamespace, namespaceNameProblem],
      ['destination namespace', p.destNamespace, namespaceNameProblem],
    );
  checks.push(
    ['origin name', p.originName, objectNameProblem],
    ['destination name', p.destName, objectNameProblem],
  );
  for (const [what, value, check] of checks) {
    const problem = check(value);
    if (problem) return `invalid ${what} ${JSON.stringify(value)}: ${problem}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Namespaces

/**
 * Who chooses the service-side namespace of a related entry (the origin namespace for origin=service,
 * the destination namespace for origin=kcp):
 *  - `own`: no `namespace` rule, the namespace of the primary's copy;
 *  - `fixed`: a constant the provider wrote (a template without actions, a label selector without
 *    templates on the service side, a constant rewrite of the kcp namespaces);
 *  - `consumer`: anything that reads the consumer's objects or namespaces.
 */
export type NamespaceControl = 'own' | 'fixed' | 'consumer';

const isTemplated = (s: string | undefined): boolean => (s ?? '').includes('{{');

export function serviceNamespaceControl(
  spec: Pick<RelatedResourceSpec, 'origin'> & { object: { namespace?: RelatedResourceObjectSpec } },
): NamespaceControl {
  const ns = spec.object.namespace;
  if (!ns) return 'own';
  if (ns.reference) return 'consumer';
  if (ns.template) return isTemplated(ns.template.template) ? 'consumer' : 'fixed';
  if (ns.selector) {
    if (spec.origin === 'service') {
      // The namespaces are listed on the service cluster: only templated labels let the consumer choose.
      const labels = Object.entries(ns.selector.matchLabels ?? {});
      return labels.some(([k, v]) => isTemplated(k) || isTemplated(v)) ? 'consumer' : 'fixed';
    }
    // The listed namespaces are the consumer's kcp namespaces: only a constant rewrite ignores them.
    const rw = ns.selector.rewrite ?? {};
    if (rw.regex) return (rw.regex.pattern ?? '') === '' ? 'fixed' : 'consumer';
    if (rw.template) return isTemplated(rw.template.template) ? 'consumer' : 'fixed';
    return 'consumer';
  }
  return 'consumer';
}

export interface ConfineInput {
  /** The service-side namespace a related object would be read from or written to. */
  namespace: string;
  control: NamespaceControl;
  /** Namespace of the primary's copy on the service cluster (undefined when cluster-scoped). */
  ownNamespace: string | undefined;
  /** The agent's own namespace (`--namespace`, where its state Secrets live). */
  agentNamespace: string;
  /** `spec.related[].allowedNamespaces`. */
  allowed?: AllowedNamespaces | undefined;
  /**
   * Labels of the service-side Namespace when `allowed.selector` has to be consulted: undefined = not
   * looked up yet, null = the Namespace does not exist.
   */
  namespaceLabels?: Record<string, string> | null;
}

export type ConfineVerdict =
  | { allowed: true }
  | { allowed: false; reason: string }
  /** Look up the Namespace's labels and ask again with `namespaceLabels`. */
  | { allowed: 'needs-labels' };

export function confineNamespace(i: ConfineInput): ConfineVerdict {
  if (i.agentNamespace !== '' && i.namespace === i.agentNamespace)
    return {
      allowed: false,
      reason: `namespace ${JSON.stringify(i.namespace)} is the agent's own namespace, which related objects never use`,
    };
  if (i.control !== 'consumer') return { allowed: true };
  if (i.ownNamespace !== undefined && i.namespace === i.ownNamespace) return { allowed: true };
  if ((i.allowed?.names ?? []).includes(i.namespace)) return { allowed: true };
  if (i.allowed?.selector) {
    if (i.namespaceLabels === undefined) return { allowed: 'needs-labels' };
    if (i.namespaceLabels !== null && selectorFromSpec(i.allowed.selector).matches(i.namespaceLabels))
      return { allowed: true };
  }
  const own =
    i.ownNamespace === undefined ? 'none, the copy is cluster-scoped' : JSON.stringify(i.ownNamespace);
  return {
    allowed: false,
    reason:
      `namespace ${JSON.stringify(i.namespace)} comes from the consumer's object and is neither the ` +
      `namespace of its copy (${own}) nor allowed by allowedNamespaces`,
  };
}

// ---------------------------------------------------------------------------------------------------
// Identity and ownership

/** The value of the related-owner annotation: `<cluster>/<namespace>/<name>` of the kcp primary. */
export function relatedOwnerValue(primary: KcpIdentity): string {
  return `${primary.cluster}/${primary.namespace}/${primary.name}`;
}

function metaOf(o: Obj): { labels: Record<string, string>; annotations: Record<string, string> } {
  const m = (o.metadata ?? {}) as Obj;
  return {
    labels: (m.labels ?? {}) as Record<string, string>,
    annotations: (m.annotations ?? {}) as Record<string, string>,
  };
}

const IDENTITY_LABELS = [LABEL_REMOTE_CLUSTER, LABEL_REMOTE_NAME_HASH, LABEL_REMOTE_NAMESPACE_HASH];

/** Whether the object's sync labels and annotations (those present) all describe `id`. */
function describes(
  labels: Record<string, string>,
  annotations: Record<string, string>,
  id: KcpIdentity,
): boolean {
  const wanted = objectKeyLabels({
    clusterName: id.cluster,
    workspacePath: '',
    namespace: id.namespace,
    name: id.name,
  });
  for (const k of IDENTITY_LABELS) if (k in labels && labels[k] !== wanted[k]) return false;
  if (ANNOTATION_REMOTE_NAME in annotations) {
    if (annotations[ANNOTATION_REMOTE_NAME] !== id.name) return false;
    if ((annotations[ANNOTATION_REMOTE_NAMESPACE] ?? '') !== id.namespace) return false;
  } else if (
    ANNOTATION_REMOTE_NAMESPACE in annotations &&
    annotations[ANNOTATION_REMOTE_NAMESPACE] !== id.namespace
  )
    return false;
  return true;
}

function describeIdentity(labels: Record<string, string>, annotations: Record<string, string>): string {
  const cluster = labels[LABEL_REMOTE_CLUSTER];
  const name = annotations[ANNOTATION_REMOTE_NAME];
  if (cluster !== undefined && name !== undefined) {
    const ns = annotations[ANNOTATION_REMOTE_NAMESPACE];
    return `${cluster}/${ns ? `${ns}/` : ''}${name}`;
  }
  if (cluster !== undefined) return `an object in cluster ${JSON.stringify(cluster)}`;
  return 'another object';
}

export interface ForeignIdentityInput {
  /** The service-side object (a related origin, or an existing related destination). */
  object: Obj;
  /** This primary in kcp. */
  primary: KcpIdentity;
  /**
   * Identities an object of this related entry may carry besides the primary's: for origin=kcp the
   * kcp origin object (the sync labels earlier versions put on adopted destinations).
   */
  alsoAccepted?: readonly KcpIdentity[];
  /** The kcp primaries whose local copies the object's ownerReferences point to (resolved by UID). */
  owners?: readonly KcpIdentity[];
}

/**
 * Why a service-side object belongs to another kcp object, or undefined when nothing on it says so.
 * Checked: the sync labels and annotations, the related-owner annotation, and ownerReferences to the
 * copy of another primary.
 */
export function foreignIdentity(i: ForeignIdentityInput): string | undefined {
  const { labels, annotations } = metaOf(i.object);
  const carriesKey =
    IDENTITY_LABELS.some((k) => k in labels) ||
    ANNOTATION_REMOTE_NAME in annotations ||
    ANNOTATION_REMOTE_NAMESPACE in annotations;
  if (carriesKey && ![i.primary, ...(i.alsoAccepted ?? [])].some((id) => describes(labels, annotations, id)))
    return `it carries the sync labels of ${describeIdentity(labels, annotations)}`;
  const owner = annotations[ANNOTATION_RELATED_OWNER];
  if (owner !== undefined && owner !== relatedOwnerValue(i.primary))
    return `it belongs to ${JSON.stringify(owner)} (annotation ${ANNOTATION_RELATED_OWNER})`;
  for (const o of i.owners ?? [])
    if (relatedOwnerValue(o) !== relatedOwnerValue(i.primary))
      return `it is owned by the copy of ${relatedOwnerValue(o)}`;
  return undefined;
}

export type Ownership =
  /** No destination yet: create it (carrying the related-owner annotation). */
  | { verdict: 'create' }
  /** Ours; `annotate` = add the related-owner annotation first (owned through the state entry). */
  | { verdict: 'owned'; annotate: boolean }
  /** Not ours: neither modified nor deleted. */
  | { verdict: 'refused'; reason: string };

/**
 * Ownership of an existing service-side destination of an origin=kcp related object: ours when it
 * carries this primary's related-owner annotation, or (objects written before the annotation existed,
 * e.g. by the Go agent) when this primary's state Secret holds an entry for the related object.
 */
export function relatedOwnership(i: {
  destination: Obj | undefined;
  primary: KcpIdentity;
  /** foreignIdentity() of the destination. */
  foreign: string | undefined;
  hasStateEntry: boolean;
}): Ownership {
  if (!i.destination) return { verdict: 'create' };
  if (i.foreign !== undefined) return { verdict: 'refused', reason: i.foreign };
  const owner = metaOf(i.destination).annotations[ANNOTATION_RELATED_OWNER];
  if (owner === relatedOwnerValue(i.primary)) return { verdict: 'owned', annotate: false };
  if (i.hasStateEntry) return { verdict: 'owned', annotate: true };
  return {
    verdict: 'refused',
    reason: `it exists and was not created for this object (no ${ANNOTATION_RELATED_OWNER} annotation, no state entry)`,
  };
}

/**
 * What happens to a related object that was refused (confinement, identity or ownership): it is never
 * written. A kcp origin that is being deleted (or whose primary is) is still released: its cleanup
 * finalizer is removed, nothing on the service side is touched. Anything else is skipped.
 */
export function whenRefused(i: { origin: 'kcp' | 'service'; deleting: boolean }): 'release' | 'skip' {
  return i.origin === 'kcp' && i.deleting ? 'release' : 'skip';
}
