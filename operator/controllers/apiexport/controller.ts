/**
 * apiexport controller (SPEC §4.2): keeps the APIExport's `latestResourceSchemas` and permission
 * claims in step with the PublishedResources. One constant queue key; the APIExport is never created
 * by the agent. A PublishedResource whose schema name cannot be determined is reported on itself and
 * skipped, the others still update the export (decision #9).
 */
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import {
  addedClaimsMessage,
  mergePermissionClaims,
  mergeResourceSchemas,
  requiredPermissionClaims,
  resolveSchemaNames,
  schemaChangeMessages,
  type PermissionClaim,
} from '../../engine/schema/apiexport.js';
import { ANNOTATION_AGENT_NAME } from '../../engine/sync/keys.js';
import { jsonEqual } from '../../engine/sync/unstructured.js';
import { GVR_APIEXPORTS } from '../../kcp/resources.js';
import { objectKey } from '../../runtime/cache.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { Controller } from '../../runtime/controller.js';
import type { EventRecorder } from '../../runtime/events.js';
import type { Informer } from '../../runtime/informer.js';
import type { Logger } from '../../runtime/log.js';
import { gauge } from '../../runtime/metrics.js';
import type { ReconcileContext, Result } from '../../runtime/reconciler.js';
import { recordReconcilingError } from '../published-resources.js';
import { publishedSchema } from '../source-schema.js';

export const APIEXPORT_CONTROLLER_NAME = 'syncagent-apiexport';

/** The agent's own metric (SPEC §9), registered at start so it reads 0 before the first reconcile. */
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
  publishedResources: Informer;
  recorder: EventRecorder;
  log: Logger;
}

const KEY = { cluster: '', namespace: '', name: 'dummy' };

export function newAPIExportController(d: APIExportControllerDeps): Controller {
  const controller = new Controller({
    name: APIEXPORT_CONTROLLER_NAME,
    workers: 1,
    log: d.log,
    reconciler: { reconcile: (_req, ctx) => reconcile(d, ctx) },
  });
  const enqueue = () => controller.enqueue(KEY);
  d.apiExports.addEventHandler({ onAdd: enqueue, onUpdate: enqueue, onDelete: enqueue });
  // Only PRs with a schema name matter for the export's content, but every PR counts for the gauge.
  d.publishedResources.addEventHandler({ onAdd: enqueue, onUpdate: enqueue, onDelete: enqueue });
  return controller;
}

async function reconcile(d: APIExportControllerDeps, ctx: ReconcileContext): Promise<Result> {
  const cached = d.apiExports.reader.get(d.exportCluster, '', d.exportName);
  const prs = d.publishedResources.reader.list() as unknown as PublishedResource[];
  publishedResourceGauge.set(prs.length);
  if (!cached) return {};

  // Names of PRs without status are computed (async) up front; failures are kept per PR.
  const computed = new Map<string, string | Error>();
  for (const pr of prs) {
    if (pr.status?.resourceSchemaName) continue;
    try {
      computed.set(pr.metadata.name, (await publishedSchema(d.localClient, pr)).schemaName);
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
      if (r.error) recordReconcilingError(d.recorder, d.localClient, r.pr, r.error);
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
  const required = requiredPermissionClaims(usablePRs, mergedForClaims);
  const latest = mergeResourceSchemas(before, readyNames);
  const { claims, added } = mergePermissionClaims(spec.permissionClaims ?? [], required);

  const desired: KubeObject = structuredClone(existing);
  desired.metadata = {
    ...(desired.metadata ?? {}),
    annotations: { ...(desired.metadata?.annotations ?? {}), [ANNOTATION_AGENT_NAME]: d.agentName },
  };
  const desiredSpec = (desired.spec ?? {}) as Record<string, unknown>;
  desiredSpec.latestResourceSchemas = latest;
  if (claims.length > 0 || spec.permissionClaims !== undefined) desiredSpec.permissionClaims = claims;
  desired.spec = desiredSpec;
  if (jsonEqual(desired, existing)) return {};

  const updated = await d.exportClient.update(GVR_APIEXPORTS, desired, { signal: ctx.signal });
  d.apiExports.store.set(objectKey(updated), updated);
  const messages = schemaChangeMessages(before, latest);
  if (messages.added)
    void d.recorder.event(d.exportClient, updated, 'Normal', 'AddingResourceSchemas', messages.added);
  if (messages.removed)
    void d.recorder.event(d.exportClient, updated, 'Warning', 'RemovingResourceSchemas', messages.removed);
  if (added.length > 0)
    void d.recorder.event(
      d.exportClient,
      updated,
      'Normal',
      'AddingPermissionClaims',
      addedClaimsMessage(added),
    );
  ctx.log.info({ schemas: latest, claims: claims.length }, 'Updated APIExport');
  return {};
}
