// Where the test world's binaries are. hack/world/ensure-binaries.sh builds (or finds) them and
// writes their paths to world.json in the binary cache; environment overrides win over that file.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface WorldBinaries {
  kcp: string;
  kubeApiServer: string;
  etcd: string;
  kubectl: string;
  versions: { kcp: string; kubernetes: string; etcd: string };
}

export function binaryCacheDir(): string {
  if (process.env.API_SYNCAGENT_BIN_DIR) return process.env.API_SYNCAGENT_BIN_DIR;
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'api-syncagent', 'bin');
}

export function worldBinaries(): WorldBinaries {
  const file = path.join(binaryCacheDir(), 'world.json');
  if (!existsSync(file)) {
    throw new Error(
      `test-world binaries are not prepared: ${file} is missing; run "bash hack/world/ensure-binaries.sh" first`,
    );
  }
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as WorldBinaries;
  const assets = process.env.KUBEBUILDER_ASSETS;
  const pick = (envName: string, assetName: string | undefined, fallback: string): string =>
    process.env[envName] || (assets && assetName ? path.join(assets, assetName) : '') || fallback;
  const bins: WorldBinaries = {
    kcp: pick('KCP_BINARY', undefined, recorded.kcp),
    kubeApiServer: pick('KUBE_APISERVER_BINARY', 'kube-apiserver', recorded.kubeApiServer),
    etcd: pick('ETCD_BINARY', 'etcd', recorded.etcd),
    kubectl: pick('KUBECTL_BINARY', 'kubectl', recorded.kubectl),
    versions: recorded.versions,
  };
  for (const [name, p] of Object.entries(bins)) {
    if (typeof p === 'string' && !existsSync(p)) {
      throw new Error(
        `test-world binary ${name} not found at ${p} (from ${file} or its override); run "bash hack/world/ensure-binaries.sh"`,
      );
    }
  }
  return bins;
}
