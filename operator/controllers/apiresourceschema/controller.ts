/**
 * apiresourceschema controller (docs/compatibility.md#apiresourceschema-controller): for every
 * PublishedResource, publish its projected CRD as an immutable APIResourceSchema in the APIExport's workspace
 * and record the name in `status.resourceSchemaName`. Errors become a Warning event and a
 * SchemaPublished=False condition on the PublishedResource; other PublishedResources are unaffected (each is
 * its own queue key).
 */
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import { buildAPIResourceSchema, marshalAPIResourceSchema } from '../../engine/schema/ars.js';
import { ANNOTATION_AGENT_NAME, LABEL_AGENT_NAME } from '../../engine/sync/keys.js';
import { GVR_APIRESOURCESCHEMAS } from '../../kcp/resources.js';
import { NotFoundError } from '../../runtime/client/errors.js';
import { resourcePath } from '../../runtime/client/paths.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { KubeObject } from '../../runtime/client/types.js';
import { controllerManagedBy } from '../../runtime/builder.js';
import type { Controller } from '../../runtime/controller.js';
import type { EventRecorder } from '../../runtime/events.js';
import type { Informer } from '../../runtime/informer.js';
import type { Logger } from '../../runtime/log.js';
import type { Manager } from '../../runtime/manager.js';
import type { ReconcileContext, Reconciler, Request, Result } from '../../runtime/reconciler.js';
import {
  CONDITION_SCHEMA_PUBLISHED,
  GVR_PUBLISHED_RESOURCES,
  recordReconcilingError,
  updatePublishedResourceStatus,
} from '../published-resources.js';
import { findCondition, type Condition } from '../../engine/conditions.js';
import { PublishedSchemaReader } from '../source-schema.js';
import { collidingOwner, collisionMessage, isOlder, type SchemaOwner } from './collisions.js';
import { CONDITION_SCHEMA_CHANGE_HELD } from '../../engine/schema/update-policy.js';
import { holdCondition, releaseConditions, schemaUpdateDecision } from './update-policy.js';

export const APIRESOURCESCHEMA_CONTROLLER_NAME = 'syncagent-apiresourceschema';

export interface APIResourceSchemaControllerDeps {
  agentName: string;
  localClient: RestClient;
  exportClient: RestClient;
  publishedResources: Informer<PublishedResource>;
  crds: Informer;
  recorder: EventRecorder;
  log: Logger;
}

export class APIResourceSchemaReconciler implements Reconciler {
  private readonly deps: APIResourceSchemaControllerDeps;

  constructor(deps: APIResourceSchemaControllerDeps) {
    this.deps = deps;
  }

  setupWithManager(manager: Manager): Controller {
    const { deps } = this;
    const prRequest = (o: PublishedResource): Request => ({
      cluster: '',
      namespace: '',
      name: o.metadata?.name ?? '',
    });
    // A deleted PR may have owned a kcp group/resource that a younger one wants: look at all again.
    const allPRs = (): Request[] => deps.publishedResources.reader.list().map(prRequest);
    // A changed CRD re-publishes every PublishedResource of its group and kind, and changes what
    // discovery lists: the cached discovery is dropped (other types expire by its TTL).
    const prsOfCRD = (crd: KubeObject): Request[] => {
      deps.localClient.discovery.invalidate();
      const spec = crd.spec as { group?: string; names?: { kind?: string } } | undefined;
      return deps.publishedResources.reader
        .list()
        .filter(
          (pr) =>
            (pr.spec?.resource?.apiGroup ?? '') === spec?.group &&
            pr.spec?.resource?.kind === spec?.names?.kind,
        )
        .map(prRequest);
    };
    return controllerManagedBy(manager)
      .named(APIRESOURCESCHEMA_CONTROLLER_NAME)
      .for(deps.publishedResources, { predicates: [{ update: affectsSchema, delete: () => false }] })
      .watches(deps.publishedResources, allPRs, {
        predicates: [{ create: () => false, update: () => false }],
        description: `${deps.publishedResources.name} (deletions: every PublishedResource)`,
      })
      .watches(deps.crds, prsOfCRD)
      .withOptions({ workers: 4, log: deps.log })
      .complete(this);
  }

  reconcile(req: Request, ctx: ReconcileContext): Promise<Result> {
    return reconcile(this.deps, req, ctx);
  }
}

/**
 * Whether a PublishedResource update can change what this controller publishes: its spec (generation),
 * deletion, or the recorded schema name. Condition writes (this agent's own, three controllers) are
 * not, and each used to cost a full discovery + CRD read here — except a change of SchemaChangeHeld,
 * which only this controller decides: another controller writing the conditions from a stale copy
 * can flip it back, and the reconcile puts it right.
 */
export function affectsSchema(o: PublishedResource, n: PublishedResource): boolean {
  const name = (x: PublishedResource) => x.status?.resourceSchemaName;
  const held = (x: PublishedResource) =>
    findCondition(
      (x.status as { conditions?: Condition[] } | undefined)?.conditions,
      CONDITION_SCHEMA_CHANGE_HELD,
    )?.status;
  return (
    o.metadata?.generation !== n.metadata?.generation ||
    o.metadata?.deletionTimestamp !== n.metadata?.deletionTimestamp ||
    name(o) !== name(n) ||
    held(o) !== held(n)
  );
}

async function reconcile(
  deps: APIResourceSchemaControllerDeps,
  req: Request,
  ctx: ReconcileContext,
): Promise<Result> {
  const cached = deps.publishedResources.reader.get('', '', req.name);
  if (!cached || cached.metadata.deletionTimestamp) return {};
  const pr = structuredClone(cached);
  // One reader for this reconcile: the PR and every older one it is checked against share one
  // discovery read.
  const schemas = new PublishedSchemaReader(deps.localClient);
  try {
    const { projected, schemaName } = await schemas.schemaOf(pr);
    const owner = collidingOwner(pr, schemaName, await olderSchemaOwners(deps, schemas, pr));
    if (owner) {
      // Not published; a name recorded earlier goes, so the APIExport and syncmanager drop it too.
      if (pr.status?.resourceSchemaName) {
        await deps.localClient.patch(
          GVR_PUBLISHED_RESOURCES,
          pr.metadata.name,
          { status: { resourceSchemaName: null } },
          'merge',
          { subresource: 'status' },
        );
        delete pr.status.resourceSchemaName;
      }
      throw new Error(collisionMessage(pr, schemaName, owner));
    }
    // spec.schemaUpdatePolicy may hold a changed schema back: the APIExport keeps the one in status.
    const decision = await schemaUpdateDecision(
      deps.exportClient,
      deps.agentName,
      pr,
      projected,
      schemaName,
      ctx,
    );
    if (!decision.publish) {
      ctx.log.info({ schema: schemaName, held: decision.message }, 'Holding schema change');
      await updatePublishedResourceStatus(deps.localClient, pr, {
        conditions: [holdCondition(deps.recorder, deps.localClient, pr, decision)],
      });
      return {};
    }
    await ensureSchema(deps, projected, schemaName, ctx);
    // The schema is only published once the APIExport lists it: the apiexport controller says True.
    const current = findCondition(
      (pr.status as { conditions?: Condition[] } | undefined)?.conditions,
      CONDITION_SCHEMA_PUBLISHED,
    );
    const confirmed = current?.status === 'True' && pr.status?.resourceSchemaName === schemaName;
    await updatePublishedResourceStatus(deps.localClient, pr, {
      resourceSchemaName: schemaName,
      conditions: [
        ...releaseConditions(pr, schemaName),
        ...(confirmed
          ? []
          : [
              {
                type: CONDITION_SCHEMA_PUBLISHED,
                status: 'False' as const,
                reason: 'AwaitingAPIExport',
                message: `APIResourceSchema ${schemaName} exists; waiting for the APIExport to list it.`,
              },
            ]),
      ],
    });
    return {};
  } catch (err) {
    recordReconcilingError(deps.recorder, deps.localClient, pr, err);
    await updatePublishedResourceStatus(deps.localClient, pr, {
      conditions: [
        {
          type: CONDITION_SCHEMA_PUBLISHED,
          status: 'False',
          reason: 'PublishingFailed',
          message: err instanceof Error ? err.message : String(err),
        },
      ],
    }).catch((e: unknown) => ctx.log.error({ err: String(e) }, 'Failed to update PublishedResource status'));
    throw err;
  }
}

/**
 * The other, older PublishedResources with their schema names: from the status when recorded, else
 * computed (an older PR wins its group/resource even before its own reconcile ran). PRs whose schema
 * cannot be determined claim nothing.
 */
async function olderSchemaOwners(
  deps: APIResourceSchemaControllerDeps,
  schemas: PublishedSchemaReader,
  pr: PublishedResource,
): Promise<SchemaOwner[]> {
  const owners: SchemaOwner[] = [];
  for (const other of deps.publishedResources.reader.list()) {
    if (other.metadata.name === pr.metadata.name || other.metadata.deletionTimestamp) continue;
    if (!isOlder(other, pr)) continue;
    const schemaName =
      other.status?.resourceSchemaName ??
      (await schemas.schemaOf(other).then(
        (s) => s.schemaName,
        () => undefined,
      ));
    if (schemaName) owners.push({ pr: other, schemaName });
  }
  return owners;
}

async function ensureSchema(
  deps: APIResourceSchemaControllerDeps,
  projected: Parameters<typeof buildAPIResourceSchema>[0],
  name: string,
  ctx: ReconcileContext,
): Promise<void> {
  let existing: KubeObject;
  try {
    existing = await deps.exportClient.get(GVR_APIRESOURCESCHEMAS, name, { signal: ctx.signal });
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    const ars = buildAPIResourceSchema(projected, name, deps.agentName);
    // The body is sent as Go would encode it, so defaults and examples keep their exact JSON.
    await deps.exportClient.request('POST', resourcePath({ gvr: GVR_APIRESOURCESCHEMAS }), {
      body: marshalAPIResourceSchema(ars),
      signal: ctx.signal,
    });
    ctx.log.info({ schema: name }, 'Created APIResourceSchema');
    return;
  }
  // Legacy metadata fix-up: schemas created by another agent name get ours, as in the Go agent.
  const md = existing.metadata ?? {};
  if (
    md.labels?.[LABEL_AGENT_NAME] === deps.agentName &&
    md.annotations?.[ANNOTATION_AGENT_NAME] === deps.agentName
  )
    return;
  const updated = structuredClone(existing);
  updated.metadata = {
    ...md,
    labels: { ...(md.labels ?? {}), [LABEL_AGENT_NAME]: deps.agentName },
    annotations: { ...(md.annotations ?? {}), [ANNOTATION_AGENT_NAME]: deps.agentName },
  };
  await deps.exportClient.update(GVR_APIRESOURCESCHEMAS, updated, { signal: ctx.signal });
}
