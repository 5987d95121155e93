import { collectDefaultMetrics, Counter, Gauge, Histogram, register, type Registry } from 'prom-client';

/**
 * The process-wide Prometheus registry (controller-runtime's global registry equivalent). Every runtime
 * metric lives here under client-go / controller-runtime names so existing dashboards keep working.
 */
export const metricsRegistry: Registry = register;

type Labels<L extends string> = L;

/** Returns the metric registered under name, creating it on first use (many queues share one metric). */
function getOrCreate<M>(name: string, create: () => M): M {
  const existing = metricsRegistry.getSingleMetric(name);
  return (existing as M | undefined) ?? create();
}

export function counter<L extends string>(name: string, help: string, labelNames: Labels<L>[]): Counter<L> {
  return getOrCreate(name, () => new Counter<L>({ name, help, labelNames, registers: [metricsRegistry] }));
}

export function gauge<L extends string>(
  name: string,
  help: string,
  labelNames: Labels<L>[],
  collect?: (this: Gauge<L>) => void,
): Gauge<L> {
  return getOrCreate(name, () => {
    const cfg = { name, help, labelNames, registers: [metricsRegistry] };
    return collect ? new Gauge<L>({ ...cfg, collect }) : new Gauge<L>(cfg);
  });
}

export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: Labels<L>[],
  buckets: number[],
): Histogram<L> {
  return getOrCreate(
    name,
    () => new Histogram<L>({ name, help, labelNames, buckets, registers: [metricsRegistry] }),
  );
}

/** prometheus.ExponentialBuckets(start, factor, count). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const out: number[] = [];
  let v = start;
  for (let i = 0; i < count; i++) {
    out.push(v);
    v *= factor;
  }
  return out;
}

let processMetricsEnabled = false;

/**
 * The process collectors (controller-runtime registers Go's and the process's): process_cpu_seconds_total,
 * process_resident_memory_bytes, process_start_time_seconds, open fds, and Node's heap and event-loop
 * figures (nodejs_*). The shipped Grafana dashboard plots process_resident_memory_bytes.
 */
export function enableProcessMetrics(): void {
  if (processMetricsEnabled) return;
  processMetricsEnabled = true;
  collectDefaultMetrics({ register: metricsRegistry });
}
