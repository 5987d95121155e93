// Reads the sharding lines of an agent's JSON log (docs/sharding.md "Log lines") and rebuilds, per
// workspace, the time intervals in which a replica was active for it, so the sharding e2e can check
// that no two replicas ever processed one workspace at the same time.
import { readFileSync } from 'node:fs';

export interface ShardLine {
  time: number;
  msg: 'Shard view active' | 'Shard workspaces released' | 'Shard fenced';
  /** Identities of the view (active lines). */
  view: string[];
  identity?: string;
  /** Owned clusters (active lines) or released clusters (released lines); debug level only. */
  clusters: string[];
  /** Whether the line carries the cluster list (the info twin of a debug line does not). */
  listed: boolean;
  owned?: number;
}

const MESSAGES = new Set(['Shard view active', 'Shard workspaces released', 'Shard fenced']);

/** A list field logged as an array, or as one comma-separated string. */
function names(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v === '' ? [] : v.split(',');
  return [];
}

/** The sharding lines of one log file, in order (of the last process started into it). */
export function shardLines(logPath: string): ShardLine[] {
  const out: ShardLine[] = [];
  // The harness appends "--- <time> starting <name>: ..." before each process it starts (an earlier
  // run's lines stay above it).
  const text = readFileSync(logPath, 'utf8');
  const lastStart = text.lastIndexOf('\n--- ');
  for (const raw of text.slice(lastStart + 1).split('\n')) {
    if (!raw.startsWith('{')) continue;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      continue;
    }
    const msg = rec.msg;
    if (typeof msg !== 'string' || !MESSAGES.has(msg)) continue;
    const stamp = rec.ts ?? rec.time;
    const time = typeof stamp === 'number' ? stamp : Date.parse(String(stamp));
    out.push({
      time,
      msg: msg as ShardLine['msg'],
      view: names(rec.view),
      ...(typeof rec.identity === 'string' ? { identity: rec.identity } : {}),
      clusters: names(rec.clusters),
      listed: rec.clusters !== undefined,
      ...(typeof rec.owned === 'number' ? { owned: rec.owned } : {}),
    });
  }
  return out;
}

/** The last view a replica activated (undefined: none yet). */
export function lastActive(lines: ShardLine[]): ShardLine | undefined {
  return lines.filter((l) => l.msg === 'Shard view active' && l.listed).at(-1);
}

export interface Interval {
  replica: string;
  cluster: string;
  start: number;
  end: number;
}

/**
 * The intervals in which `replica` was active per cluster: opened by a "Shard view active" line that
 * lists the cluster, closed by a "Shard workspaces released" line that lists it
 * or (conservatively late) by a later active line without it. After "Shard fenced" everything stays
 * open until the next "Shard workspaces released" line (the in-flight work ends there, cluster list or
 * not). Still open ones end at `endTime` (the moment the test killed or stopped the replica, or the
 * end of the test). Lines without a cluster list otherwise say nothing and are skipped.
 */
export function activeIntervals(replica: string, lines: ShardLine[], endTime: number): Interval[] {
  const out: Interval[] = [];
  const open = new Map<string, number>();
  const close = (cluster: string, at: number) => {
    const start = open.get(cluster);
    if (start === undefined) return;
    out.push({ replica, cluster, start, end: at });
    open.delete(cluster);
  };
  let fenced = false;
  for (const l of lines) {
    if (l.msg === 'Shard fenced') {
      fenced = true;
    } else if (fenced && l.msg === 'Shard workspaces released') {
      for (const c of [...open.keys()]) close(c, l.time);
      fenced = false;
    } else if (!l.listed) {
      continue;
    } else if (l.msg === 'Shard view active') {
      const now = new Set(l.clusters);
      for (const c of [...open.keys()]) if (!now.has(c)) close(c, l.time);
      for (const c of now) if (!open.has(c)) open.set(c, l.time);
    } else {
      for (const c of l.clusters) close(c, l.time);
    }
  }
  for (const c of [...open.keys()]) close(c, endTime);
  return out;
}

/** Pairs of intervals of different replicas on the same cluster that overlap in time. */
export function overlaps(intervals: Interval[]): [Interval, Interval][] {
  const out: [Interval, Interval][] = [];
  const byCluster = new Map<string, Interval[]>();
  for (const i of intervals) byCluster.set(i.cluster, [...(byCluster.get(i.cluster) ?? []), i]);
  for (const list of byCluster.values()) {
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const x = list[a]!;
        const y = list[b]!;
        if (x.replica !== y.replica && x.start < y.end && y.start < x.end) out.push([x, y]);
      }
    }
  }
  return out;
}
