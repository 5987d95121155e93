// The consumer side of the scale world: N workspaces under the provider's organisation, each binding the
// export (claims accepted), as fast as this kcp allows. kcp takes tens of seconds to initialise one
// workspace however many are pending, so the work is a pipeline rather than N round trips in a row:
// every Workspace is POSTed up front (bounded parallelism), one LIST of the organisation's workspaces per
// second finds the Ready ones (instead of a GET poll per workspace), and each Ready workspace goes to a
// bounded pool that binds the export and waits for the binding. Reports the time and the achieved rate.
import { performance } from 'node:perf_hooks';
import type { Kcp } from '../../../e2e/world/kcp.js';
import { bindExport, type ProviderWorld } from '../../../e2e/world/provider.js';
import { pool, type JsonClient } from './http.js';

export interface ConsumerWorkspaces {
  paths: string[];
  clusters: string[];
  seconds: number;
  perSecond: number;
}

const WORKSPACES = '/apis/tenancy.kcp.io/v1alpha1/workspaces';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface WorkspaceList {
  items: { metadata: { name: string }; spec?: { cluster?: string }; status?: { phase?: string } }[];
}

export async function createConsumerWorkspaces(
  kcp: Kcp,
  kcpClient: JsonClient,
  provider: ProviderWorld,
  n: number,
  concurrency: number,
  say: (m: string) => void,
  limitMs = 600_000 + n * 3_000,
): Promise<ConsumerWorkspaces> {
  const names = Array.from({ length: n }, (_, i) => `ws-${i}`);
  const index = new Map(names.map((name, i) => [name, i]));
  const paths: string[] = new Array<string>(n);
  const clusters: string[] = new Array<string>(n);
  const t0 = performance.now();
  const deadline = t0 + limitMs;
  const orgWorkspaces = `/clusters/${provider.orgPath}${WORKSPACES}`;

  const postErrors = await pool(names, concurrency, async (name) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await kcpClient.send('POST', orgWorkspaces, {
          apiVersion: 'tenancy.kcp.io/v1alpha1',
          kind: 'Workspace',
          metadata: { name },
          spec: {},
        });
        return;
      } catch (err) {
        if (/HTTP 409/.test((err as Error).message)) return;
        if (attempt >= 5) throw err;
        await sleep(1_000 * attempt);
      }
    }
  });
  if (postErrors.length)
    throw new Error(`${postErrors.length} workspace creates failed, first: ${postErrors[0]!.message}`);
  say(
    `workspaces: ${n} created in ${((performance.now() - t0) / 1000).toFixed(1)} s; waiting for them to be Ready and binding ...`,
  );

  // Ready workspaces flow into the bind pool as the LIST finds them.
  const ready: string[] = [];
  const queued = new Set<string>();
  let bound = 0;
  let listingDone = false;
  const lister = (async () => {
    while (queued.size < n && performance.now() < deadline) {
      try {
        const list = (await kcpClient.send('GET', orgWorkspaces, undefined)) as WorkspaceList;
        for (const ws of list.items) {
          const i = index.get(ws.metadata.name);
          if (i === undefined || queued.has(ws.metadata.name) || ws.status?.phase !== 'Ready') continue;
          queued.add(ws.metadata.name);
          paths[i] = `${provider.orgPath}:${ws.metadata.name}`;
          if (ws.spec?.cluster) clusters[i] = ws.spec.cluster;
          ready.push(ws.metadata.name);
        }
      } catch {
        // a busy kcp: the next LIST will do
      }
      const s = (performance.now() - t0) / 1000;
      if (Math.round(s) % 10 === 0)
        say(`workspaces: ${queued.size}/${n} Ready, ${bound} bound after ${s.toFixed(0)} s`);
      await sleep(1_000);
    }
    listingDone = true;
  })();
  const bindErrors: Error[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const name = ready.shift();
        if (name === undefined) {
          if (listingDone) return;
          await sleep(200);
          continue;
        }
        const i = index.get(name)!;
        try {
          for (let attempt = 1; ; attempt++) {
            try {
              await bindExport(
                kcp.admin.forCluster(paths[i]!),
                provider.orgPath,
                provider.exportName,
                provider.permissionClaims,
              );
              clusters[i] ??= await kcp.logicalClusterName(paths[i]!);
              bound++;
              break;
            } catch (err) {
              if (attempt >= 3) throw err;
              await sleep(2_000 * attempt);
            }
          }
        } catch (err) {
          bindErrors.push(err as Error);
        }
      }
    }),
  );
  await lister;
  if (bound < n)
    throw new Error(
      `only ${bound} of ${n} workspaces were bound within ${limitMs / 1000} s (${queued.size} Ready)${bindErrors.length ? `; first error: ${bindErrors[0]!.message}` : ''}`,
    );
  const seconds = (performance.now() - t0) / 1000;
  return { paths, clusters, seconds, perSecond: n / seconds };
}
