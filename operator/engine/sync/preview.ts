/**
 * What the agent would do on the service cluster for one consumer object (`pubres-toolkit preview`),
 * computed by the same planner the agent runs, with no cluster involved.
 */
import type { ObjectKey } from './object-key.js';
import { planSync, type SyncAction } from './planner.js';
import { primarySyncParts, type PrimaryMutator, type PrimaryNaming, type PrimaryTypes } from './primary.js';
import { decodeState } from './state.js';
import { meta, type Unstructured } from './unstructured.js';

export interface PreviewStep {
  /** Which side is written. */
  side: 'kcp' | 'service';
  /** create, patch, update, updateStatus, delete, event, or refuse (the destination is another object's). */
  verb: string;
  /** `<apiVersion> <kind> <namespace>/<name>` of the written object. */
  target: string;
  /** The object, patch or status body that would be sent (absent for deletes). */
  body?: Unstructured;
  event?: string;
}

export interface PreviewInput {
  remote: Unstructured;
  local?: Unstructured;
  /** Raw last-known state (a state Secret's entry), if the copy exists already. */
  storedState?: string;
  clusterName: string;
  workspacePath: string;
  agentName: string;
  types: PrimaryTypes;
  naming: PrimaryNaming;
  mutator: PrimaryMutator;
}

function ref(o: Unstructured | undefined): string {
  const m = o ? meta(o) : {};
  const where = m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
  return `${o?.apiVersion ?? ''} ${o?.kind ?? ''} ${where}`;
}

/**
 * The steps of the first pass that changes the service cluster, plus the kcp-side steps before it
 * (the cleanup finalizer on a new object). Objects being deleted show the cleanup steps.
 */
export function previewPrimarySync(p: PreviewInput): PreviewStep[] {
  const key: ObjectKey = {
    clusterName: p.clusterName,
    workspacePath: p.workspacePath,
    namespace: meta(p.remote).namespace ?? '',
    name: meta(p.remote).name ?? '',
  };
  const parts = primarySyncParts({
    key,
    agentName: p.agentName,
    types: p.types,
    naming: p.naming,
    mutator: p.mutator,
  });
  let source = structuredClone(p.remote);
  let destination = p.local ? structuredClone(p.local) : undefined;
  let stored = p.storedState;
  const steps: PreviewStep[] = [];
  for (let pass = 0; pass < 4; pass++) {
    const plan = planSync({ ...parts, source, destination, lastKnownState: decodeState(stored) });
    let touchedService = false;
    for (const a of plan.actions) {
      steps.push(describe(a, source, destination));
      touchedService ||= !['patchSource', 'updateSourceStatus', 'recordEvent'].includes(a.type);
      // Apply the effect locally so the next pass sees it (as the agent's chaining does).
      if (a.type === 'patchSource') {
        source = structuredClone(source);
        source.metadata = {
          ...source.metadata,
          finalizers: (a.patch.metadata as { finalizers: string[] }).finalizers,
        };
      } else if (a.type === 'createDestination') {
        destination = a.object;
        stored = a.state;
      }
    }
    if (touchedService || !plan.requeue || plan.actions.length === 0) break;
  }
  return steps;
}

function describe(a: SyncAction, source: Unstructured, destination: Unstructured | undefined): PreviewStep {
  const ev =
    'event' in a && a.event ? { event: `${a.event.type} ${a.event.reason}: ${a.event.message}` } : {};
  switch (a.type) {
    case 'patchSource':
      return { side: 'kcp', verb: 'patch', target: ref(source), body: a.patch, ...ev };
    case 'updateSourceStatus':
      return {
        side: 'kcp',
        verb: 'updateStatus',
        target: ref(source),
        body: { status: a.object.status },
        ...ev,
      };
    case 'createDestination':
      return { side: 'service', verb: 'create', target: ref(a.object), body: a.object, ...ev };
    case 'patchDestination':
      return { side: 'service', verb: 'patch', target: ref(destination), body: a.patch, ...ev };
    case 'updateDestination':
      return { side: 'service', verb: 'update', target: ref(a.object), body: a.object, ...ev };
    case 'updateDestinationStatus':
      return {
        side: 'service',
        verb: 'updateStatus',
        target: ref(a.object),
        body: { status: a.object.status },
      };
    case 'deleteDestination':
      return { side: 'service', verb: 'delete', target: ref(destination), ...ev };
    case 'recordEvent':
      return { side: 'kcp', verb: 'event', target: ref(source), ...ev };
    case 'collision':
      return {
        side: 'service',
        verb: 'refuse',
        target: ref(destination),
        event: `Warning NameCollision: the destination belongs to ${a.owner}; nothing is written`,
      };
  }
}
