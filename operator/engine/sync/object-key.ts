import { createHash } from 'node:crypto';
import { goEncode, goQuote } from '../../golang/json/marshal.js';
import {
  ANNOTATION_REMOTE_NAME,
  ANNOTATION_REMOTE_NAMESPACE,
  ANNOTATION_REMOTE_WORKSPACE_PATH,
  LABEL_REMOTE_CLUSTER,
  LABEL_REMOTE_NAME_HASH,
  LABEL_REMOTE_NAMESPACE_HASH,
} from './keys.js';

/**
 * Identity of a source object across both sides (docs/compatibility.md#object-identity): the kcp logical
 * cluster, the optional workspace path (annotations only), namespace ("" when cluster-scoped) and name.
 */
export interface ObjectKey {
  clusterName: string;
  workspacePath: string;
  namespace: string;
  name: string;
}

export function sha1Hex(s: string): string {
  return createHash('sha1').update(s, 'utf8').digest('hex');
}

/** Labels that find the local copy of a kcp primary: cluster + name hash (+ namespace hash). */
export function objectKeyLabels(key: ObjectKey): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_REMOTE_CLUSTER]: key.clusterName,
    [LABEL_REMOTE_NAME_HASH]: sha1Hex(key.name),
  };
  if (key.namespace !== '') labels[LABEL_REMOTE_NAMESPACE_HASH] = sha1Hex(key.namespace);
  return labels;
}

/** Annotations that let a local copy be mapped back to its kcp primary (plain names, not hashes). */
export function objectKeyAnnotations(key: ObjectKey): Record<string, string> {
  const annotations: Record<string, string> = { [ANNOTATION_REMOTE_NAME]: key.name };
  if (key.namespace !== '') annotations[ANNOTATION_REMOTE_NAMESPACE] = key.namespace;
  if (key.workspacePath !== '') annotations[ANNOTATION_REMOTE_WORKSPACE_PATH] = key.workspacePath;
  return annotations;
}

/**
 * Key of an object's entry in a state Secret: SHA-1 of the Go-JSON encoding (with the encoder's newline)
 * of the struct {ClusterName, WorkspacePath, Namespace, Name} in that field order. The workspace path is
 * always "" for state keys, so renaming a workspace does not lose state.
 */
export function stateKey(key: Pick<ObjectKey, 'clusterName' | 'namespace' | 'name'>): string {
  return sha1Hex(
    `{"ClusterName":${goQuote(key.clusterName)},"WorkspacePath":"",` +
      `"Namespace":${goQuote(key.namespace)},"Name":${goQuote(key.name)}}\n`,
  );
}

/**
 * Name of the state Secret of a kcp primary (docs/compatibility.md#state-secrets):
 * `obj-state-<cluster>-<20 hex>` where the hash is SHA-1 of the Go-JSON encoding (sorted keys, trailing
 * newline) of {apiVersion, kind, name, namespace}.
 */
export function stateSecretName(
  clusterName: string,
  remote: { apiVersion: string; kind: string; name: string; namespace: string },
): string {
  const hash = sha1Hex(
    goEncode({
      apiVersion: remote.apiVersion,
      kind: remote.kind,
      name: remote.name,
      namespace: remote.namespace,
    }),
  );
  return `obj-state-${clusterName}-${hash.slice(0, 20)}`;
}
