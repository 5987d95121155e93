// Snapshots of everything an agent writes (service cluster, kcp team workspaces, the provider's
// workspace) and a field-by-field comparison of two snapshots, for the compatibility tests.
//
// Normalisation happens in ONE place, normalise() below, and removes only what must differ between two
// worlds: server-assigned identity and bookkeeping (uid, resourceVersion, timestamps, managedFields,
// generation, owner-reference uids), kcp's random logical-cluster names and the org workspace paths
// (replaced by placeholders such as <team-0>, also inside longer strings and JSON-encoded state), and
// kcp's random identity hashes. Everything else -- names, namespaces, labels, annotations, finalizers,
// content, state Secrets (decoded), status, related objects, event reasons -- is compared as is.
import { createHash } from 'node:crypto';
import type { AgentWorld } from '../agent/helpers.js';
import { ApiError, type KubeObject, type RestClient } from '../world/rest.js';
import { KCP_COLLECTIONS, SERVICE_COLLECTIONS } from './scenario.js';

/** One world's view: object key (normalised path) -> normalised object. */
export type Snapshot = Map<string, unknown>;

/** Placeholder substitutions of one world (longest first when applied). */
export function worldTokens(w: AgentWorld): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const add = (raw: string, ph: string): void => {
    pairs.push([raw, ph]);
    // Forms the population's naming rules and the agent derive from a token.
    pairs.push([raw.replace(/:/g, '-'), `${ph}(dashed)`]);
    pairs.push([sha1(raw), `sha1(${ph})`]);
    pairs.push([sha1(raw).slice(0, 20), `shortHash(${ph})`]);
    pairs.push([sha3(raw).slice(0, 20), `sha3short(${ph})`]);
  };
  w.provider.teamPaths.forEach((p, i) => add(p, `<team-${i}-path>`));
  add(w.provider.orgPath, '<org-path>');
  w.provider.teamClusterNames.forEach((c, i) => add(c, `<team-${i}>`));
  add(w.provider.orgClusterName, '<org>');
  return pairs.filter(([raw]) => raw.length > 0).sort((a, b) => b[0].length - a[0].length);
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const sha3 = (s: string) => createHash('sha3-256').update(s).digest('hex');

function substitute(s: string, tokens: Array<[string, string]>): string {
  let out = s;
  for (const [raw, ph] of tokens) if (out.includes(raw)) out = out.split(raw).join(ph);
  return out;
}

/** Metadata fields the API servers assign; they differ between any two worlds. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'managedFields',
  'generation',
  'selfLink',
];

/** Label prefixes kcp itself maintains, with its random identity hashes in keys and values. */
const KCP_INTERNAL_LABEL_PREFIXES = ['claimed.internal.apis.kcp.io/'];

/**
 * The one normalisation of compared values (see the file comment). `tokens` are the world's random
 * names (worldTokens); `clusters` its logical-cluster names, to recognise state keys.
 */
export function normalise(
  value: unknown,
  tokens: Array<[string, string]>,
  path: string[] = [],
  owner?: Record<string, unknown>,
): unknown {
  if (typeof value === 'string') {
    // Secret data is base64: compare it decoded. State Secrets and related-object annotations hold
    // JSON: compare it decoded and normalised.
    let text = value;
    if (owner?.kind === 'Secret' && path.length === 2 && path[0] === 'data') {
      text = Buffer.from(value, 'base64').toString('utf8');
    }
    const decoded = decodeJson(text);
    if (decoded !== undefined) return { '<json>': normalise(decoded, tokens) };
    return substitute(text, tokens);
  }
  if (Array.isArray(value)) return value.map((v, i) => normalise(v, tokens, [...path, String(i)], owner));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    // A Kubernetes object starts a new context (its kind decides how `data` is read).
    const isObject = typeof obj.kind === 'string' && isPlainObject(obj.metadata);
    const ctxOwner = isObject ? obj : owner;
    const ctxPath = isObject ? [] : path;
    const out: Record<string, unknown> = {};
    const last = ctxPath[ctxPath.length - 1];
    const stateSecret =
      isObject && obj.kind === 'Secret' && isPlainObject(obj.metadata) && isStateSecret(obj.metadata);
    for (const [k, v] of Object.entries(obj)) {
      if (last === 'metadata' && SERVER_METADATA.includes(k)) continue;
      if (k === 'uid' && ctxPath.includes('ownerReferences')) continue;
      if (k === 'identityHash' || k === 'lastTransitionTime' || k === 'timestamp') continue;
      if (last === 'labels' && KCP_INTERNAL_LABEL_PREFIXES.some((p) => k.startsWith(p))) continue;
      if (stateSecret && k === 'data' && isPlainObject(v)) {
        out.data = normaliseStateData(v, tokens);
        continue;
      }
      out[substitute(k, tokens)] = normalise(v, tokens, [...ctxPath, k], ctxOwner);
    }
    return out;
  }
  return value;
}

const isStateSecret = (m: Record<string, unknown>): boolean =>
  isPlainObject(m.labels) && m.labels['syncagent.kcp.io/object-state'] === 'true';

/**
 * State Secret entries are keyed by SHA-1 of {"ClusterName","WorkspacePath":"","Namespace","Name"} of the
 * stored object (the state format of docs/compatibility.md#state-secrets, recomputed here independently of
 * the agent's code); the cluster name is random, so a key is replaced by the readable key it hashes, when it
 * is one.
 */
function normaliseStateData(data: Record<string, unknown>, tokens: Array<[string, string]>): unknown {
  const clusters = ['', ...tokens.filter(([, ph]) => /^<team-\d+>$|^<org>$/.test(ph)).map(([raw]) => raw)];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    const text = typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : '';
    const stored = decodeJson(text) as { metadata?: { name?: string; namespace?: string } } | undefined;
    let readable = k;
    for (const c of clusters) {
      const key = `{"ClusterName":${JSON.stringify(c)},"WorkspacePath":"","Namespace":${JSON.stringify(
        stored?.metadata?.namespace ?? '',
      )},"Name":${JSON.stringify(stored?.metadata?.name ?? '')}}\n`;
      if (sha1(key) === k) {
        const where = `${stored?.metadata?.namespace ?? ''}/${stored?.metadata?.name ?? ''}`;
        readable = `stateKey(${substitute(c, tokens) || '""'}|${substitute(where, tokens)})`;
        break;
      }
    }
    out[readable] = stored === undefined ? substitute(text, tokens) : { '<json>': normalise(stored, tokens) };
  }
  return out;
}

/** JSON-valued strings, decoded; undefined if the value is not a JSON object or array. */
function decodeJson(s: string): unknown {
  const t = s.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

async function listOrEmpty(c: RestClient, p: string): Promise<KubeObject[]> {
  try {
    // List items carry no kind/apiVersion; they are the list's (normalise() reads the kind).
    const list = (await c.list(p)) as { kind?: string; apiVersion?: string; items: KubeObject[] };
    const kind = list.kind?.replace(/List$/, '');
    return list.items.map((o) => ({ apiVersion: list.apiVersion, kind, ...o }));
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return [];
    throw err;
  }
}

/** Namespaces and ConfigMaps the servers create by themselves (not written by any agent). */
const SERVER_OWNED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
const isServerOwned = (o: KubeObject, collection: string): boolean =>
  (collection.endsWith('/namespaces') && SERVER_OWNED_NAMESPACES.has(o.metadata.name ?? '')) ||
  (collection.endsWith('/configmaps') && o.metadata.name === 'kube-root-ca.crt');

/** Everything the comparison looks at, keyed by side and path, normalised. */
export async function snapshot(w: AgentWorld): Promise<Snapshot> {
  const tokens = worldTokens(w);
  const snap: Snapshot = new Map();
  const put = (key: string, obj: unknown): void => {
    snap.set(substitute(key, tokens), normalise(obj, tokens));
  };
  const keyOf = (o: KubeObject, collection: string): string => {
    const ns = o.metadata.namespace ? `ns=${o.metadata.namespace}/` : '';
    return `${collection} ${ns}${o.metadata.name}`;
  };

  for (const coll of SERVICE_COLLECTIONS) {
    for (const o of await listOrEmpty(w.service.client, coll)) {
      if (isServerOwned(o, coll)) continue;
      put(`service ${keyOf(o, coll)}`, o);
    }
  }
  put('service events', await eventReasons(w.service.client));

  for (let i = 0; i < w.provider.teamPaths.length; i++) {
    const team = w.provider.teamAdmin(i);
    for (const coll of KCP_COLLECTIONS) {
      for (const o of await listOrEmpty(team, coll)) {
        if (isServerOwned(o, coll)) continue;
        put(`kcp team-${i} ${keyOf(o, coll)}`, o);
      }
    }
    put(`kcp team-${i} events`, await eventReasons(team));
  }

  const org = w.provider.admin;
  for (const o of await listOrEmpty(org, '/apis/apis.kcp.io/v1alpha1/apiresourceschemas')) {
    put(`kcp org apiresourceschemas ${o.metadata.name}`, o);
  }
  const exp = await org.get(`/apis/apis.kcp.io/v1alpha1/apiexports/${w.provider.exportName}`);
  // The export's status (identity, conditions, virtual-workspace URLs) is kcp's, not the agent's.
  put(`kcp org apiexport ${w.provider.exportName}`, { metadata: exp.metadata, spec: exp.spec });
  return snap;
}

/**
 * Events summarised as the distinct (involved object, type, reason) triples, sorted: event names,
 * counts and timestamps are random or timing-dependent; who is told what is not.
 */
async function eventReasons(c: RestClient): Promise<string[]> {
  const items = await listOrEmpty(c, '/api/v1/events');
  const set = new Set(
    items
      .filter((e) => !isServerEvent(e))
      .map((e) => {
        const io = e.involvedObject ?? {};
        const where = io.namespace ? `${io.namespace}/` : '';
        return `${io.kind} ${where}${io.name}: ${e.type} ${e.reason}`;
      }),
  );
  return [...set].sort();
}

/** Events the API servers raise about their own objects (e.g. kube-apiserver's `kubernetes` Service). */
function isServerEvent(e: KubeObject): boolean {
  const io = e.involvedObject ?? {};
  return io.kind === 'Service' && io.namespace === 'default' && io.name === 'kubernetes';
}

/** One difference: where, and both values (undefined = absent). */
export interface Difference {
  key: string;
  field: string;
  go: unknown;
  ts: unknown;
}

/** Every difference between two snapshots, by object key and field path. */
export function diffSnapshots(go: Snapshot, ts: Snapshot): Difference[] {
  const out: Difference[] = [];
  const keys = [...new Set([...go.keys(), ...ts.keys()])].sort();
  for (const key of keys) {
    if (!go.has(key) || !ts.has(key)) {
      out.push({
        key,
        field: '',
        go: go.has(key) ? '<present>' : undefined,
        ts: ts.has(key) ? '<present>' : undefined,
      });
      continue;
    }
    diffValues(key, '', go.get(key), ts.get(key), out);
  }
  return out;
}

function diffValues(key: string, field: string, a: unknown, b: unknown, out: Difference[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      diffValues(key, field ? `${field}.${k}` : k, a[k], b[k], out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && key.endsWith(' events')) {
    // Event summaries: report each triple only one side has.
    for (const x of a) if (!b.includes(x)) out.push({ key, field: 'event', go: x, ts: undefined });
    for (const x of b) if (!a.includes(x)) out.push({ key, field: 'event', go: undefined, ts: x });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => diffValues(key, `${field}[${i}]`, x, b[i], out));
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ key, field, go: a, ts: b });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export function formatDifference(d: Difference): string {
  const show = (v: unknown) => (v === undefined ? '<absent>' : JSON.stringify(v));
  return `${d.key} ${d.field || '<object>'}: go=${show(d.go)} ts=${show(d.ts)}`;
}

/**
 * The deliberate differences of this agent (docs/differences-from-go-agent.md): the ONLY differences
 * the compatibility tests accept. Each entry names the documented difference and matches exactly
 * the fields it explains; anything else fails the test.
 */
export const DELIBERATE_DIFFERENCES: Array<{ name: string; matches: (d: Difference) => boolean }> = [
  {
    // "Additions: PublishedResource conditions": status.conditions next to resourceSchemaName.
    name: 'PublishedResource status.conditions (Additions)',
    matches: (d) =>
      d.key.startsWith('service /apis/syncagent.kcp.io/v1alpha1/publishedresources ') &&
      d.field.startsWith('status.conditions') &&
      d.go === undefined,
  },
  {
    // Service-side destinations of kcp-origin related objects carry an ownership record
    // (tenant isolation): the annotation syncagent.kcp.io/related-owner.
    name: 'annotation syncagent.kcp.io/related-owner on service-side related copies',
    matches: (d) =>
      d.key.startsWith('service ') &&
      d.go === undefined &&
      (d.field === 'metadata.annotations.syncagent.kcp.io/related-owner' ||
        // the Go agent's copy has no annotations at all: ours has only this one
        (d.field === 'metadata.annotations' &&
          isPlainObject(d.ts) &&
          Object.keys(d.ts).join() === 'syncagent.kcp.io/related-owner')),
  },
  {
    // Not ours, the Go agent's: it reports transient failures that it then retries as Warning
    // ReconcilingError events -- its schema controller racing with itself ("already exists" on a
    // PublishedResource), an optimistic-lock conflict when writing a primary's status back ("the object
    // has been modified"). Which ones happen depends on timing. This agent retries such conflicts
    // without an event. Only Go-only events match; a ReconcilingError of this agent is never accepted.
    name: 'Go-only transient Warning ReconcilingError (retried conflicts and races)',
    matches: (d) =>
      d.key.endsWith(' events') &&
      typeof d.go === 'string' &&
      /: Warning ReconcilingError$/.test(d.go) &&
      d.ts === undefined,
  },
  {
    // Fix #10: a primary's state Secret is deleted once the primary is gone (Go leaves it).
    name: 'state Secret of a deleted primary removed (fix #10)',
    matches: (d) =>
      d.key.startsWith('service /api/v1/secrets ns=kube-system/obj-state-') &&
      d.field === '' &&
      d.go === '<present>' &&
      d.ts === undefined,
  },
];

/** Splits differences into deliberate ones (with the entry's name) and the rest. */
export function classify(diffs: Difference[]): {
  deliberate: Array<{ name: string; diff: Difference }>;
  unexpected: Difference[];
} {
  const deliberate: Array<{ name: string; diff: Difference }> = [];
  const unexpected: Difference[] = [];
  for (const d of diffs) {
    const entry = DELIBERATE_DIFFERENCES.find((e) => e.matches(d));
    if (entry) deliberate.push({ name: entry.name, diff: d });
    else unexpected.push(d);
  }
  return { deliberate, unexpected };
}
