// The benchmark's closed-loop load: creates consumer objects with at most `concurrency` requests in
// flight (a new create starts when one finishes), so the fill runs at whatever rate kcp sustains. A 429
// (kcp's max-in-flight limit) backs off (0.5 s, doubling, at most 8 s) and is retried up to 8 times.
// Progress (achieved rate) is reported every 10 s.
import { performance } from 'node:perf_hooks';
import type { JsonClient } from './http.js';

export interface NewObject {
  /** Workspace path (root:org:ws-i), for the request URL. */
  path: string;
  /** Logical cluster name: the tracking key is "<cluster>/<name>". */
  cluster: string;
  name: string;
}

export interface CreateTimes {
  /** performance.now() when the accepted attempt was sent, per key. */
  sentAt: Map<string, number>;
  throttled: number;
  failed: string[];
  seconds: number;
  ratePerSecond: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const crontab = (name: string): unknown => ({
  apiVersion: 'example.com/v1',
  kind: 'CronTab',
  metadata: { name, namespace: 'default' },
  spec: { cronSpec: '* * * * */5', image: 'bench', replicas: 1 },
});

export const crontabsPath = (wsPath: string): string =>
  `/clusters/${wsPath}/apis/example.com/v1/namespaces/default/crontabs`;

/** POSTs one CronTab, retrying 429s; returns when it was sent (the accepted attempt) and the retries. */
export async function createWithBackoff(
  kcp: JsonClient,
  o: NewObject,
): Promise<{ sentAt: number; throttled: number }> {
  let backoff = 500;
  for (let attempt = 1; ; attempt++) {
    const sentAt = performance.now();
    try {
      await kcp.send('POST', crontabsPath(o.path), crontab(o.name));
      return { sentAt, throttled: attempt - 1 };
    } catch (err) {
      const msg = (err as Error).message;
      if (/HTTP 409/.test(msg)) return { sentAt, throttled: attempt - 1 }; // a retry of a create kcp did take
      if (!/HTTP 429|ECONNRESET|socket hang up/.test(msg) || attempt >= 8) throw err;
      await sleep(backoff);
      backoff = Math.min(8_000, backoff * 2);
    }
  }
}

export async function closedLoopCreate(
  kcp: JsonClient,
  objects: NewObject[],
  concurrency: number,
  say: (m: string) => void,
  label = 'fill',
): Promise<CreateTimes> {
  const sentAt = new Map<string, number>();
  const failed: string[] = [];
  let throttled = 0;
  let next = 0;
  const t0 = performance.now();
  const progress = setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    say(
      `${label}: ${sentAt.size}/${objects.length} created in ${s.toFixed(0)} s (${(sentAt.size / s).toFixed(0)}/s), ${throttled} throttled`,
    );
  }, 10_000);
  const worker = async (): Promise<void> => {
    while (next < objects.length) {
      const o = objects[next++]!;
      try {
        const r = await createWithBackoff(kcp, o);
        sentAt.set(`${o.cluster}/${o.name}`, r.sentAt);
        throttled += r.throttled;
      } catch (err) {
        failed.push(`${o.cluster}/${o.name}: ${(err as Error).message}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, worker));
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { sentAt, throttled, failed, seconds, ratePerSecond: sentAt.size / seconds };
}

/** Creates objects at a steady rate (open loop, fired on schedule); resolves when all were answered. */
export async function openLoopCreate(
  kcp: JsonClient,
  objects: NewObject[],
  ratePerSecond: number,
  say: (m: string) => void,
): Promise<Map<string, number>> {
  const sentAt = new Map<string, number>();
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < objects.length; i++) {
    const wait = t0 + (i * 1000) / ratePerSecond - performance.now();
    if (wait > 0) await sleep(wait);
    const o = objects[i]!;
    inflight.push(
      createWithBackoff(kcp, o).then(
        (r) => void sentAt.set(`${o.cluster}/${o.name}`, r.sentAt),
        (e: Error) => say(`create ${o.cluster}/${o.name}: ${e.message}`),
      ),
    );
  }
  await Promise.all(inflight);
  return sentAt;
}
