// Where the test world's binaries are. hack/world/ensure-binaries.sh builds (or finds) them and
// writes their paths to world.json in the binary cache; environment overrides win over that file.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface WorldBinaries {
  kcp: string;
  kubeApiServer: string;
  etcd: string;
  kubectl: string;
  /**
   * kcp: the version the kcp binary in use reports (`kcp --version`), e.g. "v0.32.3" when KCP_BINARY
   * points at a newer kcp than the pinned one; pinnedKcp: the version ensure-binaries.sh pins.
   */
  versions: { kcp: string; pinnedKcp: string; kubernetes: string; etcd: string };
}

/**
 * The kcp release a kcp binary is (from `kcp --version`: "kcp version v1.36.0+kcp-v0.32.3" ->
 * "v0.32.3"); the whole first line when it has no "+kcp-" part; undefined when the binary cannot answer.
 */
export function kcpBinaryVersion(binary: string): string | undefined {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    return parseKcpVersion(out);
  } catch {
    return undefined;
  }
}

export function parseKcpVersion(output: string): string | undefined {
  const line = output.split('\n').find((l) => l.trim()) ?? '';
  const m = /\+kcp-(v[0-9][^\s]*)/.exec(line);
  if (m) return m[1];
  return line.trim() || undefined;
}

const kcpVersionCache = new Map<string, string | undefined>();

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
    versions: { ...recorded.versions, pinnedKcp: recorded.versions.pinnedKcp ?? recorded.versions.kcp },
  };
  // world.json records the version of the kcp it resolved; an override may point at another one.
  const kcpBin = bins.kcp;
  if (!kcpVersionCache.has(kcpBin) && existsSync(kcpBin)) kcpVersionCache.set(kcpBin, kcpBinaryVersion(kcpBin));
  bins.versions.kcp = kcpVersionCache.get(kcpBin) ?? bins.versions.kcp;
  for (const [name, p] of Object.entries(bins)) {
    if (typeof p === 'string' && !existsSync(p)) {
      throw new Error(
        `test-world binary ${name} not found at ${p} (from ${file} or its override); run "bash hack/world/ensure-binaries.sh"`,
      );
    }
  }
  return bins;
}
