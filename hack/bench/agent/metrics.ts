// The agent's own API request counter (rest_client_requests_total{code,method,host}) scraped from its
// /metrics endpoint, and the per-object cost computed from the difference of two scrapes.

export type RequestCounts = Map<string, number>; // "method host code" -> count

export async function scrapeRequests(port: number): Promise<RequestCounts> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  const out: RequestCounts = new Map();
  for (const line of text.split('\n')) {
    const m = line.match(/^rest_client_requests_total\{(.*)\} ([0-9.e+]+)$/);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const key = `${labels.method} ${labels.host} ${labels.code}`;
    out.set(key, (out.get(key) ?? 0) + Number(m[2]));
  }
  return out;
}

/**
 * Requests per object between two scrapes, keyed "side method" (side: kcp or service, decided by the
 * request's host), plus the total.
 */
export function costPerObject(
  before: RequestCounts,
  after: RequestCounts,
  objects: number,
  kcpHost: string,
): { total: number; bySideVerb: Record<string, number> } {
  const bySideVerb: Record<string, number> = {};
  let total = 0;
  for (const [key, v] of after) {
    const d = v - (before.get(key) ?? 0);
    if (d <= 0) continue;
    const [method, host] = key.split(' ');
    const side = host === kcpHost ? 'kcp' : 'service';
    const k = `${side} ${method}`;
    bySideVerb[k] = (bySideVerb[k] ?? 0) + d / objects;
    total += d / objects;
  }
  return { total, bySideVerb };
}

/**
 * The V8 heap of a Node agent from its process metrics (nodejs_heap_size_used/total_bytes), in MiB;
 * undefined for an agent that does not expose them (e.g. the Go agent, whose figures are go_memstats_*).
 */
export async function scrapeHeap(port: number): Promise<string | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  const value = (name: string) => {
    const m = text.match(new RegExp(`^${name} ([0-9.e+]+)$`, 'm'));
    return m ? Number(m[1]) / 1048576 : undefined;
  };
  const used = value('nodejs_heap_size_used_bytes');
  const total = value('nodejs_heap_size_total_bytes');
  if (used === undefined || total === undefined) return undefined;
  return `V8 heap ${used.toFixed(0)} MiB used of ${total.toFixed(0)} MiB`;
}
