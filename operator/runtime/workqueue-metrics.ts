import { counter, exponentialBuckets, gauge, histogram } from './metrics.js';

/** What a queue reports about its in-flight work when /metrics is scraped. */
export interface InFlightReporter {
  readonly name: string;
  readonly controller: string;
  /** [sum of seconds all in-flight items have been processing, longest single one]. */
  inFlightSeconds(): [number, number];
  /** Keys ready to be handed out. */
  len(): number;
}

/**
 * Per label set (several queues may share a name, e.g. a controller that is replaced while the old one
 * drains), computed at scrape time: depth and unfinished work are summed, the longest
 * running processor is the maximum.
 */
function aggregate(): Map<
  string,
  { labels: { name: string; controller: string }; depth: number; sum: number; max: number }
> {
  const out = new Map<
    string,
    { labels: { name: string; controller: string }; depth: number; sum: number; max: number }
  >();
  for (const q of live) {
    const key = `${q.name}\u0000${q.controller}`;
    let a = out.get(key);
    if (!a)
      out.set(key, (a = { labels: { name: q.name, controller: q.controller }, depth: 0, sum: 0, max: 0 }));
    const [sum, max] = q.inFlightSeconds();
    a.depth += q.len();
    a.sum += sum;
    a.max = Math.max(a.max, max);
  }
  return out;
}

const live = new Set<InFlightReporter>();

// client-go's queue latency buckets: 10 ns .. 1000 s.
const latencyBuckets = exponentialBuckets(10e-9, 10, 12);

/** client-go / controller-runtime work-queue metrics, labelled with `name` and `controller`. */
export const workqueueMetrics = {
  depth: gauge<'name' | 'controller'>(
    'workqueue_depth',
    'Current depth of workqueue',
    ['name', 'controller'],
    function collect() {
      this.reset();
      for (const a of aggregate().values()) this.set(a.labels, a.depth);
    },
  ),
  adds: counter<'name' | 'controller'>('workqueue_adds_total', 'Total number of adds handled by workqueue', [
    'name',
    'controller',
  ]),
  queueDuration: histogram<'name' | 'controller'>(
    'workqueue_queue_duration_seconds',
    'How long in seconds an item stays in workqueue before being requested',
    ['name', 'controller'],
    latencyBuckets,
  ),
  workDuration: histogram<'name' | 'controller'>(
    'workqueue_work_duration_seconds',
    'How long in seconds processing an item from workqueue takes.',
    ['name', 'controller'],
    latencyBuckets,
  ),
  retries: counter<'name' | 'controller'>(
    'workqueue_retries_total',
    'Total number of retries handled by workqueue',
    ['name', 'controller'],
  ),
  unfinished: gauge<'name' | 'controller'>(
    'workqueue_unfinished_work_seconds',
    "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.",
    ['name', 'controller'],
    function collect() {
      this.reset();
      for (const a of aggregate().values()) this.set(a.labels, a.sum);
    },
  ),
  longest: gauge<'name' | 'controller'>(
    'workqueue_longest_running_processor_seconds',
    'How many seconds has the longest running processor for workqueue been running.',
    ['name', 'controller'],
    function collect() {
      this.reset();
      for (const a of aggregate().values()) this.set(a.labels, a.max);
    },
  ),
};

export function registerInFlight(q: InFlightReporter): void {
  live.add(q);
}

export function unregisterInFlight(q: InFlightReporter): void {
  live.delete(q);
}
