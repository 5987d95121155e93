/**
 * Which label and annotation keys a provider may list in `spec.namespaceMetadata`, and which values
 * of the consumer's namespace may be copied. Keys are exact (no prefixes, no globs): the provider
 * names every key it wants, so a new key in the consumer's namespace never reaches the service side
 * unless asked for. A deny-list keeps the keys of kcp, of the agent itself and of the platform out,
 * even when listed (docs/security.md#namespace-metadata).
 */

/** Domains whose keys are never copied: kcp's and the agent's own, Kubernetes', OpenShift's. */
export const DENIED_KEY_DOMAINS = ['kcp.io', 'kubernetes.io', 'k8s.io', 'openshift.io'] as const;

/** Longest annotation value copied (the API server limits all annotations together to 256 KiB). */
export const MAX_ANNOTATION_VALUE_LENGTH = 4096;

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `key` is not a Kubernetes qualified name (`[prefix/]name`), or undefined. */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)))
    return 'the prefix must be a lowercase DNS subdomain of at most 253 characters';
  if (name.length > 63 || !NAME_PART.test(name))
    return 'the name must be at most 63 characters: alphanumerics, "-", "_" or "." between alphanumerics';
  return undefined;
}

/** Why `key` may never be copied (a reserved domain), or undefined. */
export function deniedKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  if (slash < 0) return undefined;
  const prefix = key.slice(0, slash);
  for (const domain of DENIED_KEY_DOMAINS) {
    if (prefix === domain || prefix.endsWith(`.${domain}`))
      return `keys under ${domain} are reserved for kcp, the agent or the platform and are never copied`;
  }
  return undefined;
}

/** Why `key` cannot be in the allow-list, or undefined. */
export function keyProblem(key: string): string | undefined {
  return qualifiedNameProblem(key) ?? deniedKeyProblem(key);
}

/** Whether a consumer's label value is a valid Kubernetes label value. */
export function isValidLabelValue(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value);
}

/** Whether a consumer's annotation value may be copied (a string, not too long). */
export function isValidAnnotationValue(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ANNOTATION_VALUE_LENGTH;
}
