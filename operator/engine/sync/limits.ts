/**
 * Limits on the shape of objects the sync accepts (docs/security.md, "Bad objects are
 * terminal, not hot loops").
 *
 * Many steps of the sync walk object data recursively (structured cloning, JSON encoding, deep
 * equality, merge patches, the mutation engine, templates, CEL). Consumers control how deeply their
 * objects nest, and the API servers accept nesting far deeper than those recursive walks survive on
 * Node's stack. The sync therefore measures the depth of both sides of a pair once, without deep
 * recursion, before anything else touches the data, and refuses objects deeper than MAX_OBJECT_DEPTH
 * with an ObjectLimitError (one Warning event, retried with the work queue's per-item backoff).
 */
import type { SyncEvent } from './events.js';
import { RECURSION_DEPTH } from './unstructured.js';

/**
 * The deepest nesting (objects and arrays, the object itself counting as 1) the sync accepts.
 *
 * - The kube-apiserver (and kcp) decode JSON with Go's encoding/json, which refuses nesting deeper
 *   than 10000; anything up to that can exist on both sides.
 * - The deepest recursive walk on the sync path is V8's structured clone (about 600 bytes of stack
 *   per level): with Node's default stack it fails at about 1,600 levels when started from an empty
 *   stack, JSON.stringify at about 4,400, the mutation engine's conversions in between. The unit test
 *   in limits.test.ts runs the full planner (all mutation kinds) at this depth with a third of the
 *   stack already used and fails if any path stops fitting.
 *
 * 1000 leaves room for the callers' frames and is two orders of magnitude above what real
 * Kubernetes objects use (a few dozen levels).
 */
export const MAX_OBJECT_DEPTH = 1000;

export interface DepthViolation {
  kind: 'depth';
  /** Where the limit was crossed, as a dotted path with [i] for array items (shortened). */
  path: string;
  limit: number;
}

/**
 * Nesting depth of a JSON value: scalars are 0, `{}` and `[]` are 1. Recursive for the first
 * RECURSION_DEPTH levels (fast), iterative below, so no depth can overflow the stack. Stops counting
 * (and returns `stopAt + 1`) once the depth exceeds `stopAt`, so a hostile object costs at most one
 * walk over its nodes.
 */
export function jsonDepth(value: unknown, stopAt = Number.MAX_SAFE_INTEGER): number {
  return depthRecursive(value, 0, stopAt);
}

/** Depth of `v` found `level` levels down: recursive for the first levels, then iterative. */
function depthRecursive(v: unknown, level: number, stopAt: number): number {
  if (v === null || typeof v !== 'object') return 0;
  if (level >= stopAt) return 1; // deep enough to exceed: the callers stop counting
  if (level >= RECURSION_DEPTH) return walk(v, stopAt - level).depth;
  let max = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const d = depthRecursive(v[i], level + 1, stopAt);
      if (d > max) max = d;
      if (level + 1 + max > stopAt) return max + 1;
    }
  } else {
    for (const k of Object.keys(v)) {
      const d = depthRecursive((v as Record<string, unknown>)[k], level + 1, stopAt);
      if (d > max) max = d;
      if (level + 1 + max > stopAt) return max + 1;
    }
  }
  return max + 1;
}

function walk(value: unknown, stopAt: number): { depth: number; path: (string | number)[] } {
  if (value === null || typeof value !== 'object') return { depth: 0, path: [] };
  let max = 0;
  // Explicit stack of (container, depth, path-segment, parent index) frames.
  const stack: { v: object; depth: number; seg: string | number | undefined; parent: number }[] = [];
  const frames: { seg: string | number | undefined; parent: number }[] = [];
  stack.push({ v: value, depth: 1, seg: undefined, parent: -1 });
  while (stack.length > 0) {
    const f = stack.pop()!;
    const id = frames.length;
    frames.push({ seg: f.seg, parent: f.parent });
    if (f.depth > max) max = f.depth;
    if (f.depth > stopAt) {
      const path: (string | number)[] = [];
      for (let i: number = id; i >= 0 && frames[i]!.seg !== undefined; i = frames[i]!.parent)
        path.push(frames[i]!.seg!);
      return { depth: f.depth, path: path.reverse() };
    }
    if (Array.isArray(f.v)) {
      for (let i = 0; i < f.v.length; i++) {
        const c: unknown = f.v[i];
        if (c !== null && typeof c === 'object') stack.push({ v: c, depth: f.depth + 1, seg: i, parent: id });
      }
    } else {
      for (const k of Object.keys(f.v)) {
        const c: unknown = (f.v as Record<string, unknown>)[k];
        if (c !== null && typeof c === 'object') stack.push({ v: c, depth: f.depth + 1, seg: k, parent: id });
      }
    }
  }
  return { depth: max, path: [] };
}

function formatPath(path: (string | number)[]): string {
  const parts = path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`));
  const text =
    parts.length <= 8 ? parts.join('') : `${parts.slice(0, 4).join('')}...${parts.slice(-3).join('')}`;
  return text.startsWith('.') ? text.slice(1) : text;
}

/** The first limit `obj` breaks, or undefined when the sync may process it. Never recurses deeply. */
export function checkObjectLimits(obj: unknown, limit = MAX_OBJECT_DEPTH): DepthViolation | undefined {
  if (jsonDepth(obj, limit) <= limit) return undefined;
  const r = walk(obj, limit); // again, keeping track of the path for the message
  return { kind: 'depth', path: formatPath(r.path), limit };
}

/** Thrown when an object of a sync pair breaks a limit; the work queue retries it with backoff. */
export class ObjectLimitError extends Error {
  readonly violation: DepthViolation;
  /** Which object: "kcp object" or "service-cluster copy", plus its name. */
  readonly subject: string;

  constructor(subject: string, violation: DepthViolation) {
    super(
      `${subject} nests deeper than the agent's limit of ${violation.limit} levels (at ${violation.path}); it is not synced`,
    );
    this.name = 'ObjectLimitError';
    this.subject = subject;
    this.violation = violation;
  }
}

/**
 * Checks both objects of a sync pair; throws ObjectLimitError for the first one that breaks a limit.
 * `describe` names an object for the message (e.g. `CronTab default/my-crontab`).
 */
export function assertObjectLimits(
  objects: readonly { role: string; object: unknown }[],
  limit = MAX_OBJECT_DEPTH,
): void {
  for (const { role, object } of objects) {
    if (object === undefined) continue;
    const v = checkObjectLimits(object, limit);
    if (v) throw new ObjectLimitError(role, v);
  }
}

export const EVENT_REASON_OBJECT_REFUSED = 'ObjectRefused';
export const EVENT_REASON_OBJECT_INVALID = 'ObjectInvalid';

/** The Warning event for an object refused by a limit. */
export function objectLimitEvent(err: ObjectLimitError): SyncEvent {
  return { type: 'Warning', reason: EVENT_REASON_OBJECT_REFUSED, message: `${err.message}.` };
}

/** Longest server message quoted in an event (Event messages are truncated around 1 KiB). */
const MAX_QUOTED_MESSAGE = 700;

/**
 * The Warning event for an error of a sync attempt that the consumer can act on, or undefined for
 * errors that are the provider's business (the caller then records its generic event):
 * - an object refused by a limit (ObjectLimitError);
 * - an API server answering 422 Invalid: the object (after the provider's mutations) is not valid
 *   for the API it is written to; the server's own explanation is quoted.
 */
export function syncErrorEvent(err: unknown): SyncEvent | undefined {
  if (err instanceof ObjectLimitError) return objectLimitEvent(err);
  const e = err as { status?: unknown; body?: { message?: unknown } } | null;
  if (e && typeof e === 'object' && e.status === 422) {
    let detail = typeof e.body?.message === 'string' ? e.body.message : 'no details given';
    if (detail.length > MAX_QUOTED_MESSAGE) detail = `${detail.slice(0, MAX_QUOTED_MESSAGE)}...`;
    return {
      type: 'Warning',
      reason: EVENT_REASON_OBJECT_INVALID,
      message: `The object was rejected as invalid while syncing it (after the provider's mutations); it is retried with backoff: ${detail}`,
    };
  }
  return undefined;
}

/** `Kind namespace/name` (or `Kind name`) of an object, for messages. Reads metadata only. */
export function describeObject(obj: unknown): string {
  const o = (obj ?? {}) as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const kind = typeof o.kind === 'string' && o.kind !== '' ? o.kind : 'object';
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : '';
  const ns = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : '';
  return ns ? `${kind} ${ns}/${name}` : `${kind} ${name}`;
}
