/** How the runtime's caches find an object's logical cluster on kcp: the annotation kcp sets. */
import type { ClusterOf } from '../runtime/cache.js';
import { ANNOTATION_KCP_CLUSTER } from './well-known.js';

/** The logical cluster of an object served by kcp ("" when it carries none). */
export const clusterOf: ClusterOf = (obj) => obj.metadata?.annotations?.[ANNOTATION_KCP_CLUSTER] ?? '';
