/**
 * Kubernetes version ordering (apimachinery's CompareKubeAwareVersionStrings):
 * kube-like versions (`v1`, `v2beta3`, `v1alpha1`) order by stability (alpha < beta < GA), then
 * major, then minor; every other string orders before them, in reverse lexical order.
 */
const KUBE_LIKE = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

interface ParsedVersion {
  major: number;
  stability: number;
  minor: number;
}

const STABILITY: Record<string, number> = { alpha: 0, beta: 1, '': 2 };

function parse(v: string): ParsedVersion | undefined {
  const m = KUBE_LIKE.exec(v);
  if (!m) return undefined;
  return { major: Number(m[1]), stability: STABILITY[m[2] ?? '']!, minor: Number(m[3] ?? 0) };
}

/** Negative if `a` sorts before `b` in ascending Kubernetes version order. */
export function compareKubeAwareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const pa = parse(a);
  const pb = parse(b);
  if (!pa && !pb) return a < b ? 1 : -1; // reverse lexical, as upstream compares (b, a)
  if (!pa) return -1;
  if (!pb) return 1;
  if (pa.stability !== pb.stability) return pa.stability - pb.stability;
  if (pa.major !== pb.major) return pa.major - pb.major;
  return pa.minor - pb.minor;
}

/** A new array sorted ascending with Kubernetes version ordering. */
export function sortKubeAwareAscending<T>(items: readonly T[], nameOf: (t: T) => string): T[] {
  return [...items].sort((x, y) => compareKubeAwareVersions(nameOf(x), nameOf(y)));
}
