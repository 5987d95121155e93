/**
 * Ordering of resourceVersions. The API server treats them as opaque strings, but Kubernetes and kcp
 * hand out decimal integers that grow with every write (the storage revision), so two of them can be
 * ordered when both parse as integers. When either does not, they cannot be ordered and callers must
 * fall back to trusting the server's stream (the watch).
 */

const DECIMAL = /^[0-9]+$/;

/** -1, 0 or 1 when both are decimal integers; undefined when they cannot be ordered. */
export function compareResourceVersions(a: string | undefined, b: string | undefined): number | undefined {
  if (a === undefined || b === undefined || !DECIMAL.test(a) || !DECIMAL.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether a is known to be strictly newer than b (false when they cannot be ordered). */
export function isNewerResourceVersion(a: string | undefined, b: string | undefined): boolean {
  return (compareResourceVersions(a, b) ?? 0) > 0;
}
