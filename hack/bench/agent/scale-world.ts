// The consumer side of the scale world: N workspaces under the provider's organisation, each binding the
// export (claims accepted), created in parallel (bounded) so 1,000 of them take as long as this kcp
// needs, not 1,000 round trips in a row. Reports the time and the achieved rate.
import { performance } from 'node:perf_hooks';
import type { Kcp } from '../../../e2e/world/kcp.js';
import { bindExport, type ProviderWorld } from '../../../e2e/world/provider.js';
import { pool } from './http.js';

export interface ConsumerWorkspaces {
  paths: string[];
  clusters: string[];
  seconds: number;
  perSecond: number;
}

export async function createConsumerWorkspaces(
  kcp: Kcp,
  provider: ProviderWorld,
  n: number,
  concurrency: number,
  say: (m: string) => void,
): Promise<ConsumerWorkspaces> {
  const paths: string[] = new Array<string>(n);
  const clusters: string[] = new Array<string>(n);
  const t0 = performance.now();
  let done = 0;
  const progress = setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    say(`workspaces: ${done}/${n} bound in ${s.toFixed(0)} s (${(done / s).toFixed(1)}/s)`);
  }, 10_000);
  const errors = await pool(
    Array.from({ length: n }, (_, i) => i),
    concurrency,
    async (i) => {
      // A busy kcp may answer 429 or time out: each workspace gets three tries (all steps idempotent).
      for (let attempt = 1; ; attempt++) {
        try {
          const p = await kcp.createWorkspace(provider.orgPath, `ws-${i}`);
          await bindExport(
            kcp.admin.forCluster(p),
            provider.orgPath,
            provider.exportName,
            provider.permissionClaims,
          );
          paths[i] = p;
          clusters[i] = await kcp.logicalClusterName(p);
          done++;
          return;
        } catch (err) {
          if (attempt >= 3) throw err;
          await new Promise((r) => setTimeout(r, 2_000 * attempt));
        }
      }
    },
  );
  clearInterval(progress);
  if (errors.length)
    throw new Error(`${errors.length} of ${n} workspaces failed, first: ${errors[0]!.message}`);
  const seconds = (performance.now() - t0) / 1000;
  return { paths, clusters, seconds, perSecond: n / seconds };
}
