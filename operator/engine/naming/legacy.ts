/**
 * Legacy `$variable` naming: one left-to-right pass; at each position the placeholders are
 * tried in this order (Go strings.NewReplacer argument order), matches never overlap, the result is not
 * trimmed. `$remoteNamespaceHash`/`$remoteNameHash` are SHA-1 short hashes (20 hex chars).
 */
import { shortHash } from '../../golang/template/index.js';

export interface LegacyNamingInput {
  clusterName: string;
  namespace: string;
  name: string;
}

const PLACEHOLDERS = [
  '$remoteClusterName',
  '$remoteNamespaceHash',
  '$remoteNamespace',
  '$remoteNameHash',
  '$remoteName',
] as const;

export function renderLegacyPattern(pattern: string, input: LegacyNamingInput): string {
  if (!pattern.includes('$')) return pattern;
  const values: Record<(typeof PLACEHOLDERS)[number], () => string> = {
    $remoteClusterName: () => input.clusterName,
    $remoteNamespaceHash: () => shortHash(input.namespace),
    $remoteNamespace: () => input.namespace,
    $remoteNameHash: () => shortHash(input.name),
    $remoteName: () => input.name,
  };
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const j = pattern.indexOf('$', i);
    if (j < 0) break;
    out += pattern.slice(i, j);
    const hit = PLACEHOLDERS.find((p) => pattern.startsWith(p, j));
    if (hit) {
      out += values[hit]();
      i = j + hit.length;
    } else {
      out += '$';
      i = j + 1;
    }
  }
  return out + pattern.slice(i);
}
