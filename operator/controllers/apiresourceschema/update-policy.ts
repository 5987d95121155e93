/**
 * The I/O around `spec.schemaUpdatePolicy` (engine/schema/update-policy.ts decides): read the
 * APIResourceSchema the APIExport serves for the PublishedResource, and report a held change as the
 * SchemaChangeHeld condition plus a Warning event. docs/authoring.md, "Schema update policy".
 */
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import type { ConditionInput } from '../../engine/conditions.js';
import { findCondition, type Condition } from '../../engine/conditions.js';
import { buildAPIResourceSchema } from '../../engine/schema/ars.js';
import type { CustomResourceDefinition, SchemaSpec } from '../../engine/schema/index.js';
import {
  CONDITION_SCHEMA_CHANGE_HELD,
  decideSchemaUpdate,
  REASON_NO_CHANGE_HELD,
  SCHEMA_UPDATE_ALWAYS,
  SCHEMA_UPDATE_POLICIES,
  type SchemaUpdateDecision,
} from '../../engine/schema/update-policy.js';
import { GVR_APIRESOURCESCHEMAS } from '../../kcp/resources.js';
import { NotFoundError } from '../../runtime/client/errors.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { EventRecorder } from '../../runtime/events.js';
import type { ReconcileContext } from '../../runtime/reconciler.js';

/** Event reason of a newly held schema change (Warning, on the PublishedResource). */
export const EVENT_REASON_SCHEMA_CHANGE_HELD = 'SchemaChangeHeld';

/**
 * Whether `schemaName` (built from `projected`) may be published for `pr`. Only a policy other than
 * Always reads anything: the schema named in `status.resourceSchemaName`, which the APIExport serves.
 * A published schema that is gone holds nothing back (kcp cannot serve it anyway).
 */
export async function schemaUpdateDecision(
  exportClient: RestClient,
  agentName: string,
  pr: PublishedResource,
  projected: CustomResourceDefinition,
  schemaName: string,
  ctx: ReconcileContext,
): Promise<SchemaUpdateDecision> {
  // An unknown value (only possible past the CRD's enum) is reported as ConfigValid=False by the
  // syncmanager and behaves like the default.
  const configured = pr.spec.schemaUpdatePolicy;
  const policy = SCHEMA_UPDATE_POLICIES.find((p) => p === configured) ?? SCHEMA_UPDATE_ALWAYS;
  const publishedName = pr.status?.resourceSchemaName;
  if (policy === SCHEMA_UPDATE_ALWAYS || !publishedName || publishedName === schemaName)
    return { publish: true, changes: [] };
  let published: { spec?: SchemaSpec } | undefined;
  try {
    published = (await exportClient.get(GVR_APIRESOURCESCHEMAS, publishedName, {
      signal: ctx.signal,
    })) as { spec?: SchemaSpec };
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    published = undefined;
  }
  const candidate = buildAPIResourceSchema(projected, schemaName, agentName);
  return decideSchemaUpdate(
    policy,
    published?.spec ? { name: publishedName, spec: published.spec } : undefined,
    { name: schemaName, spec: candidate.spec },
  );
}

/** Whether the PublishedResource currently shows a held change. */
function currentHold(pr: PublishedResource): Condition | undefined {
  const c = findCondition(
    (pr.status as { conditions?: Condition[] } | undefined)?.conditions,
    CONDITION_SCHEMA_CHANGE_HELD,
  );
  return c?.status === 'True' ? c : undefined;
}

/**
 * The SchemaChangeHeld condition for a held change, plus a Warning event when the hold is new or its
 * message changed (a requeue of the same hold stays quiet).
 */
export function holdCondition(
  recorder: EventRecorder,
  localClient: RestClient,
  pr: PublishedResource,
  decision: Extract<SchemaUpdateDecision, { publish: false }>,
): ConditionInput {
  if (currentHold(pr)?.message !== decision.message)
    void recorder.event(localClient, pr, 'Warning', EVENT_REASON_SCHEMA_CHANGE_HELD, decision.message);
  return {
    type: CONDITION_SCHEMA_CHANGE_HELD,
    status: 'True',
    reason: decision.reason,
    message: decision.message,
  };
}

/** SchemaChangeHeld=False once a held change is released; nothing for PRs that never held one. */
export function releaseConditions(pr: PublishedResource, schemaName: string): ConditionInput[] {
  if (!currentHold(pr)) return [];
  return [
    {
      type: CONDITION_SCHEMA_CHANGE_HELD,
      status: 'False',
      reason: REASON_NO_CHANGE_HELD,
      message: `No schema change is held; APIResourceSchema ${schemaName} is the one published.`,
    },
  ];
}
