import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../client/types.js';
import { parseSelector } from '../labels/selector.js';
import { applyJsonPatch, applyMergePatch } from './patches.js';

/** A resource the server serves: answers discovery and decides scope and the status subresource. */
export interface ServedResource {
  group: string;
  version: string;
  /** Plural, as in URLs. */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** With a status subresource, writes to the object keep its status and `/status` writes only status. */
  status?: boolean;
}

/** A request the server is about to handle, for injected failures. */
export interface IncomingRequest {
  method: string;
  /** Path without query, subresource included. */
  path: string;
  body: unknown;
}

export interface FakeObjectServerOptions {
  /**
   * Called on every object the server creates, with the URL part before `/api` or `/apis` (e.g.
   * `/clusters/ws1`), to stamp what a real server would (a kcp server stamps the logical cluster).
   */
  onCreate?: (prefix: string, obj: KubeObject) => void;
}

/** One parsed API path: `<prefix>/api(s)/<gv>[/namespaces/<ns>]/<resource>[/<name>[/<sub>]]`. */
interface ParsedPath {
  prefix: string;
  /** `/api` (the core group) rather than `/apis`. */
  core: boolean;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
}

interface Watcher {
  res: http.ServerResponse;
  matches: (key: string, obj: KubeObject) => boolean;
}

type Obj = Record<string, any>;

const clone = <T>(o: T): T => structuredClone(o);

/**
 * An in-memory API server over HTTP for unit tests of the runtime and the controllers, driven through
 * the real RestClient and informers. Objects are kept by their URL path (without subresource), so
 * several "clusters" can live side by side under path prefixes (`/clusters/<name>/apis/...`); a `*`
 * segment of a request prefix matches every prefix (a wildcard view).
 *
 * It behaves like kube-apiserver where callers depend on it: every write bumps a server-wide
 * resourceVersion; PUT with a stale resourceVersion is a 409 Conflict; missing objects are 404 with
 * details naming the object; POST honours generateName and answers 409 AlreadyExists; DELETE of an
 * object with finalizers only sets deletionTimestamp, and removing the last finalizer of such an object
 * deletes it; merge (RFC 7386) and JSON (RFC 6902) patches; a status subresource for resources served
 * with `status: true`; generation bumps on changes outside metadata and status; list with label and
 * `metadata.name` field selectors, and watch from a resourceVersion. Resources do not need to be
 * served (see serve()) to be stored; served ones answer discovery. Not implemented: server-side apply,
 * strategic merge (treated as merge), pagination, compaction (see fake-apiserver.ts for those).
 */
export class FakeObjectServer {
  readonly objects = new Map<string, KubeObject>();
  readonly log: { method: string; path: string; body: unknown }[] = [];
  private rv = 1;
  private server = http.createServer((req, res) => this.handle(req, res));
  private readonly served: ServedResource[] = [];
  private readonly history: { rv: number; type: string; key: string; object: KubeObject }[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly opts: FakeObjectServerOptions;
  url = '';
  /** When set, every request fails with this status (simulates an unreachable API server). */
  failWith: number | undefined;
  /**
   * Injected failures: the first function returning a status code makes that request fail with it
   * (409 → Conflict, 404 → NotFound, ...) before it reaches the store.
   */
  readonly failures: ((req: IncomingRequest) => number | undefined)[] = [];

  constructor(opts: FakeObjectServerOptions = {}) {
    this.opts = opts;
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Serves resources: discovery lists them, their scope and status subresource are enforced. */
  serve(...resources: ServedResource[]): this {
    this.served.push(...resources);
    return this;
  }

  /** The stored object at an API path (prefix included), as a copy. */
  get(path: string): Obj | undefined {
    const o = this.objects.get(path);
    return o ? clone(o) : undefined;
  }

  /** Stored objects whose path starts with `pathPrefix`, as copies. */
  list(pathPrefix: string): Obj[] {
    return [...this.objects.entries()].filter(([k]) => k.startsWith(pathPrefix)).map(([, v]) => clone(v));
  }

  private send(res: http.ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = decodeURIComponent(url.pathname);
      const body = raw ? (JSON.parse(raw) as unknown) : undefined;
      const method = req.method ?? '';
      this.log.push({ method, path, body });
      const status = (code: number, reason: string, details?: Obj): void =>
        this.send(res, code, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code,
          reason,
          message: `${reason}: ${path}`,
          ...(details ? { details } : {}),
        });
      if (this.failWith)
        return this.send(res, this.failWith, { code: this.failWith, message: 'injected failure' });
      for (const f of this.failures) {
        const code = f({ method, path, body });
        if (code !== undefined) return status(code, code === 409 ? 'Conflict' : 'InjectedFailure');
      }
      const p = parsePath(path);
      if (!p) return status(404, 'NotFound');
      if (!p.resource) return this.discovery(res, p, () => status(404, 'NotFound'));
      const served = this.servedAs(p);
      const key = itemPath(p);
      const notFound = () =>
        status(404, 'NotFound', { name: p.name, group: p.group, kind: served?.resource ?? p.resource });
      try {
        switch (method) {
          case 'GET':
            if (!p.name) {
              if (url.searchParams.get('watch') === 'true') return this.watch(res, p, url.searchParams);
              return this.send(res, 200, this.listAt(p, url.searchParams));
            }
            if (!this.objects.has(key)) return notFound();
            return this.send(res, 200, this.objects.get(key));
          case 'POST':
            return this.create(res, p, body as Obj, status);
          case 'PUT':
          case 'PATCH': {
            const cur = this.objects.get(key) as Obj | undefined;
            if (!cur) return notFound();
            let next: Obj;
            if (method === 'PUT') next = clone(body as Obj);
            else if (req.headers['content-type'] === 'application/json-patch+json')
              next = applyJsonPatch(cur, body as Obj[]);
            else next = applyMergePatch(cur, body);
            next.metadata ??= {};
            const sentRV = (next.metadata as Obj | undefined)?.resourceVersion;
            if (sentRV && sentRV !== cur.metadata?.resourceVersion) return status(409, 'Conflict');
            return this.write(res, key, cur, next, p.subresource, served);
          }
          case 'DELETE': {
            const cur = this.objects.get(key) as Obj | undefined;
            if (!cur) return notFound();
            if ((cur.metadata?.finalizers ?? []).length > 0) {
              if (cur.metadata.deletionTimestamp) return this.send(res, 200, cur);
              const next = clone(cur);
              next.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
              return this.send(res, 200, this.store('MODIFIED', key, next));
            }
            this.remove(key);
            return this.send(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 200 });
          }
          default:
            return status(405, 'MethodNotAllowed');
        }
      } catch (err) {
        return status(422, 'Invalid', { causes: [{ message: (err as Error).message }] });
      }
    });
  }

  private servedAs(p: ParsedPath): ServedResource | undefined {
    return this.served.find(
      (s) => s.group === p.group && s.version === p.version && s.resource === p.resource,
    );
  }

  private create(
    res: http.ServerResponse,
    p: ParsedPath,
    body: Obj,
    status: (code: number, reason: string, details?: Obj) => void,
  ): void {
    const obj = clone(body);
    const md = (obj.metadata ??= {}) as Obj;
    if (!md.name && md.generateName) md.name = `${md.generateName}${randomUUID().slice(0, 5)}`;
    if (!md.name) return status(422, 'Invalid');
    if (p.namespace && !md.namespace) md.namespace = p.namespace;
    const key = itemPath({ ...p, name: md.name as string });
    if (this.objects.has(key)) return status(409, 'AlreadyExists', { name: md.name, kind: p.resource });
    md.uid ??= randomUUID();
    md.creationTimestamp ??= new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    md.generation = 1;
    delete md.deletionTimestamp;
    // With a status subresource, the status is written through /status only.
    if (this.servedAs(p)?.status) delete obj.status;
    this.opts.onCreate?.(p.prefix, obj);
    this.send(res, 201, this.store('ADDED', key, obj));
  }

  /** PUT and PATCH after the patch is applied: subresource rules, generation, finalizers. */
  private write(
    res: http.ServerResponse,
    key: string,
    cur: Obj,
    next: Obj,
    subresource: string,
    served: ServedResource | undefined,
  ): void {
    // A served resource without a status subresource has no /status path; unserved ones get one.
    if (subresource === 'status' && served && !served.status) {
      this.send(res, 404, {
        kind: 'Status',
        code: 404,
        reason: 'NotFound',
        message: 'no status subresource',
      });
      return;
    }
    if (subresource === 'status' || served?.status) {
      if (subresource === 'status') next = { ...clone(cur), status: next.status };
      else if (next.status !== undefined || cur.status !== undefined) next.status = clone(cur.status);
      if (next.status === undefined) delete next.status;
    }
    // Immutable and server-owned metadata.
    for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'name', 'namespace'])
      if (cur.metadata[f] === undefined) delete next.metadata[f];
      else next.metadata[f] = cur.metadata[f];
    const content = (o: Obj) => JSON.stringify({ ...o, metadata: undefined, status: undefined });
    next.metadata.generation = (cur.metadata.generation ?? 1) + (content(cur) !== content(next) ? 1 : 0);
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      this.remove(key, next);
      return this.send(res, 200, next);
    }
    this.send(res, 200, this.store('MODIFIED', key, next));
  }

  private store(type: string, key: string, obj: Obj): Obj {
    obj.metadata.resourceVersion = String(++this.rv);
    this.objects.set(key, obj);
    this.notify(type, key, obj);
    return obj;
  }

  private remove(key: string, last?: Obj): void {
    const obj = clone(last ?? (this.objects.get(key) as Obj));
    this.objects.delete(key);
    obj.metadata.resourceVersion = String(++this.rv);
    this.notify('DELETED', key, obj);
  }

  private notify(type: string, key: string, object: KubeObject): void {
    this.history.push({ rv: this.rv, type, key, object: clone(object) });
    for (const w of this.watchers)
      if (w.matches(key, object)) w.res.write(JSON.stringify({ type, object }) + '\n');
  }

  /** Matches items of the collection `p` (its prefix may hold `*`) against selectors. */
  private matcher(p: ParsedPath, q: URLSearchParams): (key: string, obj: KubeObject) => boolean {
    const labels = q.get('labelSelector') ? parseSelector(q.get('labelSelector')!) : undefined;
    const field = q.get('fieldSelector') ?? '';
    const name = field.startsWith('metadata.name=') ? field.slice('metadata.name='.length) : undefined;
    return (key, obj) => {
      const k = parsePath(key);
      if (!k || !prefixMatches(p.prefix, k.prefix)) return false;
      if (k.group !== p.group || k.version !== p.version || k.resource !== p.resource) return false;
      if (p.namespace && k.namespace !== p.namespace) return false;
      if (name !== undefined && obj.metadata?.name !== name) return false;
      return !labels || labels.matches(obj.metadata?.labels);
    };
  }

  private listAt(p: ParsedPath, q: URLSearchParams): Obj {
    const matches = this.matcher(p, q);
    const items = [...this.objects.entries()].filter(([k, o]) => matches(k, o)).map(([, o]) => o);
    const served = this.servedAs(p);
    return {
      kind: served ? `${served.kind}List` : 'List',
      apiVersion: p.group ? `${p.group}/${p.version}` : p.version,
      metadata: { resourceVersion: String(this.rv), continue: '' },
      items,
    };
  }

  private watch(res: http.ServerResponse, p: ParsedPath, q: URLSearchParams): void {
    const from = Number(q.get('resourceVersion') || '0');
    const matches = this.matcher(p, q);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    for (const h of this.history)
      if (h.rv > from && matches(h.key, h.object))
        res.write(JSON.stringify({ type: h.type, object: h.object }) + '\n');
    const w = { res, matches };
    this.watchers.add(w);
    res.on('close', () => this.watchers.delete(w));
  }

  private discovery(res: http.ServerResponse, p: ParsedPath, notFound: () => void): void {
    if (p.version) {
      const resources = this.served.filter((s) => s.group === p.group && s.version === p.version);
      if (resources.length === 0) return notFound();
      return this.send(res, 200, {
        kind: 'APIResourceList',
        groupVersion: p.group ? `${p.group}/${p.version}` : p.version,
        resources: resources.flatMap((s) => [
          {
            name: s.resource,
            kind: s.kind,
            namespaced: s.namespaced,
            verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
          },
          ...(s.status ? [{ name: `${s.resource}/status`, kind: s.kind, namespaced: s.namespaced }] : []),
        ]),
      });
    }
    if (p.core) return this.send(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    const groups = new Map<string, string[]>();
    for (const s of this.served.filter((x) => x.group !== '')) {
      const versions = groups.get(s.group) ?? [];
      if (!versions.includes(s.version)) versions.push(s.version);
      groups.set(s.group, versions);
    }
    return this.send(res, 200, {
      kind: 'APIGroupList',
      groups: [...groups].map(([name, versions]) => ({
        name,
        versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
        preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
      })),
    });
  }
}

/** Parses an API path; an empty `resource` means a discovery path (`/api`, `/apis`, `/apis/g/v`). */
function parsePath(path: string): ParsedPath | undefined {
  const m = /^(.*?)\/(api|apis)(\/.*)?$/.exec(path);
  if (!m) return undefined;
  const segs = (m[3] ?? '').split('/').filter(Boolean);
  const core = m[2] === 'api';
  const group = core ? '' : (segs.shift() ?? '');
  const version = segs.shift() ?? '';
  let namespace = '';
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    namespace = segs[1]!;
    segs.splice(0, 2);
  }
  return {
    prefix: m[1]!,
    core,
    group,
    version,
    namespace,
    resource: segs[0] ?? '',
    name: segs[1] ?? '',
    subresource: segs[2] ?? '',
  };
}

/** The storage key of an object: its path without subresource. */
function itemPath(p: ParsedPath): string {
  const gv = p.group ? `/apis/${p.group}/${p.version}` : `/api/${p.version}`;
  const ns = p.namespace ? `/namespaces/${p.namespace}` : '';
  return `${p.prefix}${gv}${ns}/${p.resource}/${p.name}`;
}

/** A request prefix matches a stored one segment by segment; `*` matches any segment. */
function prefixMatches(pattern: string, prefix: string): boolean {
  const a = pattern.split('/');
  const b = prefix.split('/');
  return a.length === b.length && a.every((s, i) => s === '*' || s === b[i]);
}
