// The kcp side of a provider: an organisation workspace holding an APIExport (and the APIExportEndpointSlice
// kcp creates for it), the RBAC a provider grants its agent (docs/compatibility.md#permissions), and team
// workspaces that bind the export and accept its permission claims.
//
// APIExport and APIBinding are written as apis.kcp.io/v1alpha1, the version the agent reads;
// kcp v0.30 stores v1alpha2 and converts (v1alpha1 `all: true` claims become verbs ["*"]).
import type { Kcp } from './kcp.js';
import { ApiError, type KubeObject, RestClient } from './rest.js';
import { waitFor } from './wait.js';

export interface PermissionClaim {
  group: string;
  resource: string;
  identityHash?: string;
}

/** The claims the agent may need: events always, namespaces for filters/related objects, and related types. */
export const DEFAULT_PERMISSION_CLAIMS: PermissionClaim[] = [
  { group: '', resource: 'configmaps' },
  { group: '', resource: 'events' },
  { group: '', resource: 'namespaces' },
  { group: '', resource: 'secrets' },
];

export interface ProviderOptions {
  /** Name of the organisation workspace under root. */
  org: string;
  /** Team workspaces under the org (default team-a, team-b). */
  teams?: string[];
  /** Name of the APIExport (and of its endpoint slice). */
  exportName?: string;
  permissionClaims?: PermissionClaim[];
  /** APIResourceSchemas to create in the org workspace and list in the export's latestResourceSchemas. */
  resourceSchemas?: KubeObject[];
  /** Create APIBindings in the team workspaces (default true). */
  bind?: boolean;
}

export interface ProviderWorld {
  orgPath: string;
  orgClusterName: string;
  exportName: string;
  /** The APIExportEndpointSlice the agent is pointed at (same name as the export). */
  endpointSliceName: string;
  /** Whether kcp created the endpoint slice itself (kcp >= 0.28) rather than this harness. */
  endpointSliceCreatedByKcp: boolean;
  teamPaths: string[];
  teamClusterNames: string[];
  permissionClaims: PermissionClaim[];
  /** Admin kubeconfig on the org workspace. */
  adminKubeconfigPath: string;
  /** Kubeconfig of the provider-agent user on the org workspace (what --kcp-kubeconfig gets). */
  agentKubeconfigPath: string;
  /** Admin client on the org workspace. */
  admin: RestClient;
  /** provider-agent client on the org workspace. */
  agent: RestClient;
  /** Admin client on a team workspace. */
  teamAdmin(index: number): RestClient;
  /** Waits until the endpoint slice lists a virtual-workspace URL and returns the first one. */
  virtualWorkspaceUrl(timeoutMs?: number): Promise<string>;
}

const APIS = '/apis/apis.kcp.io/v1alpha1';

export async function createProvider(kcp: Kcp, opts: ProviderOptions): Promise<ProviderWorld> {
  const exportName = opts.exportName ?? `${opts.org}.example.com`;
  const claims = opts.permissionClaims ?? DEFAULT_PERMISSION_CLAIMS;
  const orgPath = await kcp.createWorkspace('root', opts.org);
  const admin = kcp.admin.forCluster(orgPath);

  for (const schema of opts.resourceSchemas ?? []) {
    await createOrKeep(admin, `${APIS}/apiresourceschemas`, {
      apiVersion: 'apis.kcp.io/v1alpha1',
      kind: 'APIResourceSchema',
      ...schema,
    });
  }
  await createOrKeep(admin, `${APIS}/apiexports`, {
    apiVersion: 'apis.kcp.io/v1alpha1',
    kind: 'APIExport',
    metadata: { name: exportName },
    spec: {
      latestResourceSchemas: (opts.resourceSchemas ?? []).map((s) => s.metadata.name),
      permissionClaims: claims.map((c) => ({ ...c, all: true })),
    },
  });
  await grantAgentPermissions(admin, kcp.agentUser, exportName);

  // kcp >= 0.28 creates an endpoint slice named like the export; create it only if it does not.
  const slicePath = `${APIS}/apiexportendpointslices/${exportName}`;
  const autoSlice = await waitFor(() => admin.getOrUndefined(slicePath), {
    description: `kcp to create APIExportEndpointSlice ${orgPath}/${exportName}`,
    timeoutMs: 15_000,
    intervalMs: 500,
  }).catch(() => undefined);
  if (!autoSlice) {
    await createOrKeep(admin, `${APIS}/apiexportendpointslices`, {
      apiVersion: 'apis.kcp.io/v1alpha1',
      kind: 'APIExportEndpointSlice',
      metadata: { name: exportName },
      spec: { export: { path: orgPath, name: exportName } },
    });
  }

  const teamPaths: string[] = [];
  for (const team of opts.teams ?? ['team-a', 'team-b']) {
    const teamPath = await kcp.createWorkspace(orgPath, team);
    teamPaths.push(teamPath);
    if (opts.bind ?? true) await bindExport(kcp.admin.forCluster(teamPath), orgPath, exportName, claims);
  }

  const world: ProviderWorld = {
    orgPath,
    orgClusterName: await kcp.logicalClusterName(orgPath),
    exportName,
    endpointSliceName: exportName,
    endpointSliceCreatedByKcp: autoSlice !== undefined,
    teamPaths,
    teamClusterNames: await Promise.all(teamPaths.map((p) => kcp.logicalClusterName(p))),
    permissionClaims: claims,
    adminKubeconfigPath: kcp.writeAdminKubeconfig(orgPath),
    agentKubeconfigPath: kcp.writeAgentKubeconfig(orgPath),
    admin,
    agent: new RestClient(kcp.agentCredentials(orgPath)),
    teamAdmin: (i) => {
      const p = teamPaths[i];
      if (!p) throw new Error(`provider ${orgPath} has no team workspace #${i}`);
      return kcp.admin.forCluster(p);
    },
    virtualWorkspaceUrl: (timeoutMs = 60_000) =>
      waitFor(
        async () => {
          const slice = await admin.get(slicePath);
          const url = (slice.status?.endpoints ?? []).map((e: { url?: string }) => e.url).find(Boolean);
          return url as string | undefined;
        },
        {
          description: `APIExportEndpointSlice ${orgPath}/${exportName} to list a virtual-workspace URL`,
          timeoutMs,
        },
      ),
  };
  return world;
}

/**
 * The kcp permissions of docs/compatibility.md#permissions, granted to the agent user in the export workspace
 * (which is also the endpoint-slice workspace here).
 */
export async function grantAgentPermissions(
  admin: RestClient,
  user: string,
  exportName: string,
): Promise<void> {
  const roleName = `api-syncagent:${exportName}`;
  await applyObject(admin, '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: roleName },
    rules: [
      {
        apiGroups: ['core.kcp.io'],
        resources: ['logicalclusters'],
        resourceNames: ['cluster'],
        verbs: ['get'],
      },
      { apiGroups: ['apis.kcp.io'], resources: ['apiexportendpointslices'], verbs: ['get', 'list', 'watch'] },
      {
        apiGroups: ['apis.kcp.io'],
        resources: ['apiexports'],
        resourceNames: [exportName],
        verbs: ['get', 'list', 'watch', 'patch', 'update'],
      },
      { apiGroups: [''], resources: ['events'], verbs: ['get', 'create', 'patch', 'update'] },
      {
        apiGroups: ['apis.kcp.io'],
        resources: ['apiresourceschemas'],
        verbs: ['get', 'list', 'watch', 'create'],
      },
      {
        apiGroups: ['apis.kcp.io'],
        resources: ['apiexports/content'],
        resourceNames: [exportName],
        verbs: ['*'],
      },
      { nonResourceURLs: ['/'], verbs: ['access'] },
    ],
  });
  await applyObject(admin, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: roleName },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  });
}

/** Binds the export in a consumer workspace, accepting the given claims, and waits until it is Ready. */
export async function bindExport(
  team: RestClient,
  exportPath: string,
  exportName: string,
  claims: PermissionClaim[],
): Promise<KubeObject> {
  await applyObject(team, `${APIS}/apibindings`, {
    apiVersion: 'apis.kcp.io/v1alpha1',
    kind: 'APIBinding',
    metadata: { name: exportName },
    spec: {
      reference: { export: { path: exportPath, name: exportName } },
      permissionClaims: claims.map((c) => ({ ...c, all: true, state: 'Accepted' })),
    },
  });
  return waitFor(
    async () => {
      const b = await team.get(`${APIS}/apibindings/${exportName}`);
      const ready = (b.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
      return ready?.status === 'True' ? b : undefined;
    },
    {
      description: `APIBinding ${exportName} in ${team.creds.server} to become Ready`,
      timeoutMs: 60_000,
      intervalMs: 500,
    },
  );
}

async function createOrKeep(client: RestClient, collection: string, obj: KubeObject): Promise<void> {
  try {
    await client.create(collection, obj);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 409)) throw err;
  }
}

/** Server-side apply into a collection, by the object's name. */
async function applyObject(client: RestClient, collection: string, obj: KubeObject): Promise<void> {
  await client.apply(`${collection}/${obj.metadata.name}`, obj, 'e2e-world');
}
