/**
 * PublishedResource plumbing shared by the controllers: the resource, status writes, the conditions
 * the agent reports beyond the Go agent (SchemaPublished, Syncing, Ready), and error events.
 */
import { GROUP, RESOURCE, VERSION, type PublishedResource } from '../apis/v1alpha1/types.js';
import { setCondition, type Condition, type ConditionInput } from '../engine/conditions.js';
import type { GVR } from '../runtime/client/paths.js';
import type { RestClient } from '../runtime/client/rest.js';
import type { EventRecorder } from '../runtime/events.js';

export const GVR_PUBLISHED_RESOURCES: GVR = { group: GROUP, version: VERSION, resource: RESOURCE };

export const CONDITION_SCHEMA_PUBLISHED = 'SchemaPublished';
export const CONDITION_SYNCING = 'Syncing';
export const CONDITION_READY = 'Ready';
/**
 * False while the PublishedResource has a configuration error: found when it is loaded, or when it
 * first bites while syncing an object (a naming template rendering an invalid name). See
 * docs/security.md.
 */
export const CONDITION_CONFIG_VALID = 'ConfigValid';
/** False while a permission claim the PublishedResource needs is left out of the APIExport. */
export const CONDITION_CLAIMS_VALID = 'PermissionClaimsValid';
/** Reason of a False ConfigValid / PermissionClaimsValid condition. */
export const REASON_INVALID_FIELD = 'InvalidField';

type Status = { resourceSchemaName?: string; conditions?: Condition[] };

function readyFrom(
  conditions: readonly Condition[],
  generation: number | undefined,
  syncDisabled: boolean,
): ConditionInput {
  const schema = conditions.find((c) => c.type === CONDITION_SCHEMA_PUBLISHED);
  const syncing = conditions.find((c) => c.type === CONDITION_SYNCING);
  const base = {
    type: CONDITION_READY,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
  if (schema?.status !== 'True') {
    return {
      ...base,
      status: 'False',
      reason: schema?.reason ?? 'SchemaPending',
      message: schema?.message ?? 'The schema has not been published yet.',
    };
  }
  // A configuration problem makes the PublishedResource not ready even while parts of it work.
  for (const type of [CONDITION_CONFIG_VALID, CONDITION_CLAIMS_VALID]) {
    const problem = conditions.find((c) => c.type === type);
    if (problem?.status === 'False') {
      return { ...base, status: 'False', reason: problem.reason, message: problem.message };
    }
  }
  if (syncDisabled)
    return {
      ...base,
      status: 'True',
      reason: 'SchemaOnly',
      message: 'The schema is published; synchronization is disabled.',
    };
  if (syncing?.status !== 'True') {
    return {
      ...base,
      status: 'False',
      reason: syncing?.reason ?? 'SyncPending',
      message: syncing?.message ?? 'Synchronization has not started yet.',
    };
  }
  return {
    ...base,
    status: 'True',
    reason: 'Ready',
    message: 'The schema is published and objects are being synchronized.',
  };
}

/**
 * Merge-patches the PR's status subresource with condition updates (and optionally the schema name),
 * deriving Ready; sends nothing when nothing changed. The written status is also applied to `pr`
 * (pass your own copy, never a cached object), so a second update in the same reconcile builds on it
 * instead of dropping the first one's condition.
 */
export async function updatePublishedResourceStatus(
  client: RestClient,
  pr: PublishedResource,
  update: { conditions?: ConditionInput[]; resourceSchemaName?: string },
  now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
): Promise<void> {
  const status = (pr.status ?? {}) as Status;
  let conditions = status.conditions ?? [];
  let changed = false;
  const generation = pr.metadata?.generation;
  for (const c of update.conditions ?? []) {
    const r = setCondition(
      conditions,
      { ...c, ...(generation !== undefined ? { observedGeneration: generation } : {}) },
      now,
    );
    conditions = r.conditions;
    changed ||= r.changed;
  }
  const syncDisabled = pr.spec.synchronization?.enabled === false;
  const ready = setCondition(conditions, readyFrom(conditions, generation, syncDisabled), now);
  conditions = ready.conditions;
  changed ||= ready.changed;
  const patch: Status = {};
  if (update.resourceSchemaName !== undefined && update.resourceSchemaName !== status.resourceSchemaName) {
    patch.resourceSchemaName = update.resourceSchemaName;
    changed = true;
  }
  if (!changed) return;
  patch.conditions = conditions;
  await client.patch(GVR_PUBLISHED_RESOURCES, pr.metadata.name, { status: patch }, 'merge', {
    subresource: 'status',
  });
  pr.status = { ...(pr.status ?? {}), ...patch } as PublishedResource['status'];
}

/**
 * The current PublishedResource from the server. The cast is where the server's JSON becomes the typed
 * API object: the CRD's schema, enforced by the server, is what makes it one.
 */
export async function getPublishedResource(client: RestClient, name: string): Promise<PublishedResource> {
  return (await client.get(GVR_PUBLISHED_RESOURCES, name)) as unknown as PublishedResource;
}

/** A Warning `ReconcilingError` event on the PR (cluster-scoped: lands in namespace `default`). */
export function recordReconcilingError(
  recorder: EventRecorder,
  client: RestClient,
  pr: PublishedResource,
  err: unknown,
): void {
  const message = err instanceof Error ? err.message : String(err);
  void recorder.event(client, pr, 'Warning', 'ReconcilingError', message);
}

/** A Warning `InvalidField` event on the PR naming a configuration problem (field and value). */
export function recordInvalidField(
  recorder: EventRecorder,
  client: RestClient,
  pr: PublishedResource,
  message: string,
): void {
  void recorder.event(client, pr, 'Warning', REASON_INVALID_FIELD, message);
}
