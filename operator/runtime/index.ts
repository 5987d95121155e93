/**
 * operator/runtime — a generic controller runtime (knows nothing of kcp or PublishedResources).
 *
 * Public surface, for writing the agent's controllers:
 *
 * Reconcile contract (reconciler.ts — read its interface comment):
 *   Reconciler { reconcile(req: Request, ctx: ReconcileContext): Promise<Result> }
 *   Request { cluster; namespace; name }  Result { requeueAfterMs? }  ReconcileContext { signal; log }
 *   TerminalError (no retry), requestKey(req) / parseRequestKey(key) ("cluster|ns/name"),
 *   requestKeyCluster(key) (the cluster part: the tenant of a per-cluster fair queue).
 *
 * Controller (controller.ts): new Controller({ name, reconciler, workers?, rateLimiter?, clock?, log?,
 *   needLeaderElection?, stopDeadlineMs?, fairnessKey? }); enqueue(req) / enqueueAfter(req, ms) / enqueueKey(cacheKey); start();
 *   stop({ drain?, deadlineMs? }). Metrics controller_runtime_*.
 *
 * Work queue (workqueue.ts, ratelimiter.ts, clock.ts): WorkQueue<T> with client-go guarantees
 *   (add, addAfter, addRateLimited, get, done, forget, numRequeues, shutDown, shutDownWithDrain), FIFO or,
 *   with fairnessKey, round robin over tenants (fair-ready.ts);
 *   defaultControllerRateLimiter (5 ms..1000 s per item, max'ed with 10 qps / burst 100),
 *   ItemExponentialFailureRateLimiter, BucketRateLimiter, MaxOfRateLimiter; Clock, RealClock, FakeClock.
 *
 * Client (client/*): loadRestConfig({ kubeconfig?, explicitOnly?, context?, hostOverride?, caFileOverride? }),
 *   inClusterConfig(host, port), withServer(cfg, url), serverOrigin(cfg); RestClient(cfg) with get, list,
 *   listAll, watch, create, update, updateStatus, patch(gvr, name, body, 'merge'|'json'|'strategic'|'apply'),
 *   delete, request, forServer(url), apiGroups/apiResources/findResource/openAPIV2/invalidateDiscovery,
 *   discovery (CachedDiscovery of fetchServerGroupsAndResources: TTL, invalidate, refresh on a miss).
 *   resourcePath({ gvr, namespace?, name?, subresource? }). Typed errors: ApiError and NotFoundError,
 *   AlreadyExistsError, ConflictError, GoneError, ForbiddenError, UnauthorizedError, InvalidError,
 *   TooManyRequestsError, with is* guards. Raw JSON types KubeObject, ObjectList, WatchEvent.
 *
 * Informers and caches (informer.ts, cache.ts, indexer.ts): new Informer<T>({ client, gvr, namespace?,
 *   labelSelector?, fieldSelector?, transform?, clusterOf?, indexers? }); addEventHandler, start, stop,
 *   hasSynced, waitForSync, health, reader (CacheReader<T>: get(cluster, ns, name), getByKey, list,
 *   byIndex), write-through assume(obj) / assumeDeleted(obj) (the newer resourceVersion wins,
 *   resource-version.ts), keyOf(obj). objectKey(obj, clusterOf?) = "cluster|namespace/name" (the
 *   request key; the cluster comes from the injected ClusterOf, "" by default), dropManagedFields,
 *   labelIndex, ownerUidIndex, namespaceIndex.
 *
 * Manager (manager.ts): new Manager({ client, metricsAddress?, healthAddress?, leaderElection?,
 *   onLeadershipLost?, gracefulShutdownMs? }); informer(opts) (shared, ref-counted), releaseInformer,
 *   removeController, describeControllers, add(runnable), addHealthzCheck, addReadyzCheck, start(),
 *   stop(), handleSignals(). LeaderElector (leaderelection.ts) for use on its own.
 *
 * Builder (builder.ts), the one way to put a controller together and register it:
 *   controllerManagedBy(manager).named(name).for(informer).owns(informer, ownerType)
 *   .watches(informer, mapFn) / .watches(source) / .reads(cache).withOptions({ workers, ... })
 *   .complete(reconciler) → Controller. Predicates filter events; Trigger is a source fired by code.
 *
 * Events (events.ts): new EventRecorder({ component }).event(client, obj, 'Normal'|'Warning', reason, msg).
 * Logging (log.ts): createLogger({ format: 'json'|'console', debug }), parseLogFormat, silentLogger.
 * Metrics (metrics.ts): metricsRegistry (prom-client global registry), counter/gauge/histogram get-or-create.
 * Process environment (process-environment.ts): the real clock, variables, randomness and key
 *   generation, in the shape template functions take (golang/template/environment.ts).
 */
export * from './reconciler.js';
export * from './controller.js';
export * from './builder.js';
export * from './workqueue.js';
export * from './ratelimiter.js';
export * from './clock.js';
export * from './client/config.js';
export * from './client/discovery.js';
export * from './client/errors.js';
export * from './client/paths.js';
export * from './client/rest.js';
export * from './client/types.js';
export { restClientMetrics } from './client/transport.js';
export * from './informer.js';
export * from './cache.js';
export * from './resource-version.js';
export * from './indexer.js';
export * from './manager.js';
export * from './leaderelection.js';
export * from './httpserver.js';
export * from './process-environment.js';
export * from './events.js';
export * from './log.js';
export * from './metrics.js';
