/**
 * apiexport controller (docs/compatibility.md#apiexport-controller): keeps the APIExport's
 * `latestResourceSchemas` and permission claims in step with the PublishedResources. One constant queue key;
 * the APIExport is never created by the agent. A PublishedResource whose schema name cannot be determined is
 * reported on itself and skipped, the others still update the export (docs/differences-from-go-agent.md). A
 * permission claim kcp would reject (a non-built-in API without identity hash) is left out and reported on
 * the PublishedResource that needs it, so one broken PublishedResource cannot block the export for all (see
 * docs/security.md). SchemaPublished=True is written here, once the export lists the
 * schema.
 */
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import {
  addedClaimsMessage,
  mergePermissionClaims,
  mergeResourceSchemas,
  planPermissionClaims,
  type RejectedClaim,
  resolveSchemaNames,
  schemaChangeMessages,
  type PermissionClaim,
} from '../../engine/schema/apiexport.js';
import { ANNOTATION_AGENT_NAME } from '../../engine/sync/keys.js';
import { jsonEqual } from '../../engine/sync/unstructured.js';
import { GVR_APIEXPORTS } from '../../kcp/resources.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { controllerManagedBy } from '../../runtime/builder.js';
import type { Controller } from '../../runtime/controller.js';
import type { EventRecorder } from '../../runtime/events.js';
import type { Informer } from '../../runtime/informer.js';
import type { Logger } from '../../runtime/log.js';
import type { Manager } from '../../runtime/manager.js';
import { gauge } from '../../runtime/metrics.js';
import type { ReconcileContext, Reconciler, Request, Result } from '../../runtime/reconciler.js';
import {
  CONDITION_CLAIMS_VALID,
  CONDITION_SCHEMA_PUBLISHED,
  recordInvalidField,
  recordReconcilingError,
  REASON_INVALID_FIELD,
  updatePublishedResourceStatus,
} from '../published-resources.js';
import { findCondition, type Condition } from '../../engine/conditions.js';
import { PublishedSchemaReader } from '../source-schema.js';

export const APIEXPORT_CONTROLLER_NAME = 'syncagent-apiexport';

/**
 * The agent's own metric (docs/compatibility.md#metrics), registered at start so it reads 0 before the first
 * reconcile.
 */
export const publishedResourceGauge = gauge(
  'sync_agent_published_resource',
  'Number of PublishedResources currently managed by this syncagent instance.',
  [],
);

export interface APIExportControllerDeps {
  agentName: string;
  exportName: string;
  /** Logical cluster of the export's workspace: kcp objects are cached under `cluster|name`. */
  exportCluster: string;
  localClient: RestClient;
  exportClient: RestClient;
  /** The APIExport, watched by name (field selector). */
  apiExports: Informer;
  publishedResources: Informer<PublishedResource>;
  recorder: EventRecorder;
  log: Logger;
}

const KEY = { cluster: '', namespace: '', name: 'dummy' };

export class APIExportReconciler implements Reconciler {
  private readonly deps: APIExportControllerDeps;

  constructor(deps: APIExportControllerDeps) {
    this.deps = deps;
  }

  setupWithManager(manager: Manager): Controller {
    const { deps } = this;
    const theExport = (): Request[] => [KEY];
    return (
      controllerManagedBy(manager)
        .named(APIEXPORT_CONTROLLER_NAME)
        .watches(deps.apiExports, theExport)
        // Only PRs with a schema name matter for the export's content, but every PR counts for the gauge.
        .watches(deps.publishedResources, theExport)
        .withOptions({ workers: 1, log: deps.log })
        .complete(this)
    );
  }

  reconcile(_req: Request, ctx: ReconcileContext): Promise<Result> {
    return reconcile(this.deps, ctx);
  }
}

async function reconcile(deps: APIExportControllerDeps, ctx: ReconcileContext): Promise<Result> {
  const cached = deps.apiExports.reader.get(deps.exportCluster, '', deps.exportName);
  // Copies: status writes below update them, so later writes in this reconcile build on earlier ones.
  const prs = structuredClone(deps.publishedResources.reader.list());
  publishedResourceGauge.set(prs.length);
  if (!cached) return {};

  // Names of PRs without status are computed (async) up front; failures are kept per PR.
  // One reader: all of them share one discovery read.
  const computed = new Map<string, string | Error>();
  const schemas = new PublishedSchemaReader(deps.localClient);
  for (const pr of prs) {
    if (pr.status?.resourceSchemaName) continue;
    try {
      computed.set(pr.metadata.name, (await schemas.schemaOf(pr)).schemaName);
    } catch (err) {
      computed.set(pr.metadata.name, err instanceof Error ? err : new Error(String(err)));
    }
  }
  const resolutions = resolveSchemaNames(prs, (pr) => {
    const v = computed.get(pr.metadata.name);
    if (v instanceof Error) throw v;
    return v ?? '';
  });
  const usable = [];
  for (const r of resolutions) {
    if (r.error || !r.schemaName) {
      ctx.log.info(
        { publishedResource: r.pr.metadata.name, err: String(r.error) },
        'Skipping PublishedResource for the APIExport',
      );
      if (r.error) recordReconcilingError(deps.recorder, deps.localClient, r.pr, r.error);
      continue;
    }
    usable.push(r);
  }
  const allNames = usable.map((r) => r.schemaName!);
  const readyNames = usable.filter((r) => r.ready).map((r) => r.schemaName!);
  const usablePRs = usable.map((r) => r.pr);

  const existing = structuredClone(cached);
  const spec = (existing.spec ?? {}) as {
    latestResourceSchemas?: string[];
    permissionClaims?: PermissionClaim[];
  };
  const before = spec.latestResourceSchemas ?? [];
  const mergedForClaims = mergeResourceSchemas(before, allNames);
  const plan = planPermissionClaims(usablePRs, mergedForClaims);
  await reportClaims(deps, prs, plan.rejected, ctx);
  const latest = mergeResourceSchemas(before, readyNames);
  const { claims, added } = mergePermissionClaims(spec.permissionClaims ?? [], plan.required);

  const desired: KubeObject = structuredClone(existing);
  desired.metadata = {
    ...(desired.metadata ?? {}),
    annotations: { ...(desired.metadata?.annotations ?? {}), [ANNOTATION_AGENT_NAME]: deps.agentName },
  };
  const desiredSpec = (desired.spec ?? {}) as Record<string, unknown>;
  desiredSpec.latestResourceSchemas = latest;
  if (claims.length > 0 || spec.permissionClaims !== undefined) desiredSpec.permissionClaims = claims;
  desired.spec = desiredSpec;
  if (jsonEqual(desired, existing)) {
    await reportPublished(deps, usable, new Set(latest), ctx);
    return {};
  }

  let updated: KubeObject;
  try {
    updated = await deps.exportClient.update(GVR_APIEXPORTS, desired, { signal: ctx.signal });
  } catch (err) {
    // Schemas not yet in the export are not published: say so instead of a premature True.
    const listed = new Set(before);
    for (const r of usable) {
      if (!r.ready || listed.has(r.schemaName!)) continue;
      await setSchemaPublished(
        deps,
        r.pr,
        {
          status: 'False',
          reason: 'APIExportUpdateFailed',
          message: `APIResourceSchema ${r.schemaName} could not be added to APIExport ${deps.exportName}: ${(err as Error).message}`,
        },
        ctx,
      );
    }
    throw err;
  }
  deps.apiExports.assume(updated);
  const messages = schemaChangeMessages(before, latest);
  if (messages.added)
    void deps.recorder.event(deps.exportClient, updated, 'Normal', 'AddingResourceSchemas', messages.added);
  if (messages.removed)
    void deps.recorder.event(
      deps.exportClient,
      updated,
      'Warning',
      'RemovingResourceSchemas',
      messages.removed,
    );
  if (added.length > 0)
    void deps.recorder.event(
      deps.exportClient,
      updated,
      'Normal',
      'AddingPermissionClaims',
      addedClaimsMessage(added),
    );
  ctx.log.info({ schemas: latest, claims: claims.length }, 'Updated APIExport');
  await reportPublished(deps, usable, new Set(latest), ctx);
  return {};
}

/** SchemaPublished=True on every PublishedResource whose schema the (updated) export lists. */
async function reportPublished(
  deps: APIExportControllerDeps,
  usable: readonly { pr: PublishedResource; schemaName?: string; ready: boolean }[],
  listed: ReadonlySet<string>,
  ctx: ReconcileContext,
): Promise<void> {
  for (const r of usable) {
    if (!r.ready || !listed.has(r.schemaName!)) continue;
    await setSchemaPublished(
      deps,
      r.pr,
      {
        status: 'True',
        reason: 'Published',
        message: `APIResourceSchema ${r.schemaName} is published in APIExport ${deps.exportName}.`,
      },
      ctx,
    );
  }
}

async function setSchemaPublished(
  deps: APIExportControllerDeps,
  pr: PublishedResource,
  c: Pick<Condition, 'status' | 'reason' | 'message'>,
  ctx: ReconcileContext,
): Promise<void> {
  await updatePublishedResourceStatus(deps.localClient, pr, {
    conditions: [{ type: CONDITION_SCHEMA_PUBLISHED, ...c }],
  }).catch((e: unknown) => ctx.log.error({ err: String(e) }, 'Failed to update PublishedResource status'));
}

/**
 * PermissionClaimsValid on each PublishedResource: False (plus one Warning event per new message)
 * naming the field and value of every claim left out; back to True once fixed. PublishedResources
 * that never had a rejected claim get no condition.
 */
async function reportClaims(
  deps: APIExportControllerDeps,
  prs: readonly PublishedResource[],
  rejected: readonly RejectedClaim[],
  ctx: ReconcileContext,
): Promise<void> {
  for (const pr of prs) {
    const mine = rejected.filter((r) => r.pr === pr.metadata.name);
    const current = findCondition(
      (pr.status as { conditions?: Condition[] } | undefined)?.conditions,
      CONDITION_CLAIMS_VALID,
    );
    if (mine.length === 0) {
      if (current && current.status !== 'True') {
        await updatePublishedResourceStatus(deps.localClient, pr, {
          conditions: [
            {
              type: CONDITION_CLAIMS_VALID,
              status: 'True',
              reason: 'Accepted',
              message: 'Every permission claim this PublishedResource needs is in the APIExport.',
            },
          ],
        }).catch((e: unknown) =>
          ctx.log.error({ err: String(e) }, 'Failed to update PublishedResource status'),
        );
      }
      continue;
    }
    const message = mine.map((r) => `${r.field}: ${JSON.stringify(r.value)}: ${r.message}`).join('; ');
    if (current?.status === 'False' && current.message === message) continue;
    ctx.log.info(
      { publishedResource: pr.metadata.name, rejected: mine },
      'Leaving out permission claims kcp would reject',
    );
    recordInvalidField(deps.recorder, deps.localClient, pr, message);
    await updatePublishedResourceStatus(deps.localClient, pr, {
      conditions: [{ type: CONDITION_CLAIMS_VALID, status: 'False', reason: REASON_INVALID_FIELD, message }],
    }).catch((e: unknown) => ctx.log.error({ err: String(e) }, 'Failed to update PublishedResource status'));
  }
}
