import type { Logger } from './log.js';

/**
 * The reconciler contract (controller-runtime style). This is the one place it is written down.
 *
 * - A {@link Request} is the identity of an object only: `cluster` (the logical cluster, "" for a
 *   plain Kubernetes cluster), `namespace` ("" for cluster-scoped objects) and `name`. It never
 *   carries object contents: reconciliation is level-based, so `reconcile` reads the current state
 *   from a cache or the API server each time and drives the world toward the desired state.
 * - `reconcile(req, ctx)` resolves to a {@link Result}. `{}` means done: the key's backoff is reset
 *   and it runs again only when something enqueues it. `{ requeueAfterMs: n }` (n > 0) means done for
 *   now, come back after n ms (the earliest pending time wins if it is enqueued again meanwhile).
 * - Throwing (or rejecting) means "failed, try again": the key is re-added with per-item exponential
 *   backoff (5 ms doubling up to 1000 s) combined with the controller's overall token bucket. The
 *   error is logged and counted (`controller_runtime_reconcile_errors_total`, result="error").
 * - Throwing a {@link TerminalError} means "failed and retrying will not help": it is logged and
 *   counted (`controller_runtime_terminal_reconcile_errors_total` as well) but not retried; the key's
 *   backoff is reset. A later event for the object enqueues it again as usual.
 * - The same request is never reconciled by two workers at once; events that arrive meanwhile make it
 *   run once more afterwards. Different requests run concurrently (up to the controller's workers).
 * - `ctx.signal` is aborted when the controller stops (after its drain deadline); long operations
 *   should pass it on (e.g. to client calls). `ctx.log` is a logger bound to the controller and
 *   request.
 */
export interface Reconciler {
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result>;
}

export interface Request {
  cluster: string;
  namespace: string;
  name: string;
}

export interface Result {
  requeueAfterMs?: number;
}

export interface ReconcileContext {
  signal: AbortSignal;
  log: Logger;
}

/** A failure that must not be retried (wraps the cause for logging). */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export function isTerminalError(err: unknown): boolean {
  return err instanceof TerminalError || (err instanceof Error && err.name === 'TerminalError');
}

/**
 * The queue key of a request: `cluster|namespace/name` (cluster-scoped: `cluster|name`), the same
 * format as informer cache keys, so handlers can enqueue cache keys directly.
 */
export function requestKey(req: Request): string {
  return `${req.cluster}|${req.namespace === '' ? '' : req.namespace + '/'}${req.name}`;
}

/**
 * The cluster part of a request key (the text before `|`): the tenant of a per-cluster fair queue
 * (ControllerOptions.fairnessKey). It is the object's logical cluster as its cache keys it.
 */
export function requestKeyCluster(key: string): string {
  const bar = key.indexOf('|');
  return bar < 0 ? '' : key.slice(0, bar);
}

/** Inverse of {@link requestKey}. */
export function parseRequestKey(key: string): Request {
  const bar = key.indexOf('|');
  const cluster = bar < 0 ? '' : key.slice(0, bar);
  const rest = bar < 0 ? key : key.slice(bar + 1);
  const slash = rest.indexOf('/');
  if (slash < 0) return { cluster, namespace: '', name: rest };
  return { cluster, namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
}
