import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../client/types.js';

/**
 * A tiny in-memory API server for ONE collection path, for runtime unit tests and the benchmark only
 * (e2e tests use the real kube-apiserver). Supports list (limit/continue, fieldSelector on
 * metadata.name), streaming watch from a resourceVersion (410 when too old), and scripted answers.
 */
export class FakeApiServer {
  readonly objects = new Map<string, KubeObject>();
  readonly requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  /** Scripted answers: path+query prefix -> status/body (consumed once when once=true). */
  readonly scripted: {
    match: (method: string, url: string) => boolean;
    status: number;
    body: unknown;
    headers?: Record<string, string>;
    once?: boolean;
  }[] = [];
  private rv = 100;
  private history: { rv: number; type: string; object: KubeObject }[] = [];
  private watchers = new Set<{ res: http.ServerResponse; fieldName?: string }>();
  private server: http.Server;
  /** Events older than this resourceVersion are "compacted": watches from before it get 410. */
  compactedBefore = 0;
  url = '';

  readonly collectionPath: string;

  constructor(collectionPath: string) {
    this.collectionPath = collectionPath;
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.closeWatches();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  currentRV(): string {
    return String(this.rv);
  }

  /** Creates or updates an object (bumping resourceVersion) and notifies watchers. */
  upsert(obj: KubeObject): KubeObject {
    const name = obj.metadata?.name as string;
    const type = this.objects.has(name) ? 'MODIFIED' : 'ADDED';
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    this.objects.set(name, stored);
    this.notify(type, stored);
    return stored;
  }

  remove(name: string): void {
    const obj = this.objects.get(name);
    if (!obj) return;
    this.objects.delete(name);
    const deleted = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    this.notify('DELETED', deleted);
  }

  /** Sends a BOOKMARK to every watcher. */
  bookmark(): void {
    for (const w of this.watchers) {
      w.res.write(
        JSON.stringify({
          type: 'BOOKMARK',
          object: { kind: 'X', metadata: { resourceVersion: String(this.rv) } },
        }) + '\n',
      );
    }
  }

  /** Ends every open watch (the client should re-watch). */
  closeWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  /** Pretends etcd compacted everything so far: open watches get a 410 ERROR event, older RVs 410. */
  compact(): void {
    this.compactedBefore = this.rv + 1;
    this.history = [];
    for (const w of this.watchers) {
      w.res.end(
        JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: 'too old resource version',
            reason: 'Expired',
            code: 410,
          },
        }) + '\n',
      );
    }
    this.watchers.clear();
  }

  /** Changes objects silently (no watch events), e.g. to simulate what happened during a 410 window. */
  silentlySet(objs: KubeObject[]): void {
    this.objects.clear();
    for (const o of objs) {
      this.objects.set(o.metadata?.name as string, {
        ...o,
        metadata: { ...o.metadata, resourceVersion: String(++this.rv) },
      });
    }
  }

  private notify(type: string, object: KubeObject): void {
    this.history.push({ rv: this.rv, type, object });
    for (const w of this.watchers) {
      if (w.fieldName && object.metadata?.name !== w.fieldName) continue;
      w.res.write(JSON.stringify({ type, object }) + '\n');
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const s = this.scripted.findIndex((x) => x.match(req.method ?? '', req.url ?? ''));
      if (s >= 0) {
        const sc = this.scripted[s]!;
        if (sc.once) this.scripted.splice(s, 1);
        res.writeHead(sc.status, { 'Content-Type': 'application/json', ...sc.headers });
        res.end(typeof sc.body === 'string' ? sc.body : JSON.stringify(sc.body));
        return;
      }
      if (url.pathname !== this.collectionPath || req.method !== 'GET') {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            status: 'Failure',
            reason: 'NotFound',
            code: 404,
            message: `${url.pathname} not found`,
          }),
        );
        return;
      }
      const fieldSel = url.searchParams.get('fieldSelector') ?? '';
      const fieldName = fieldSel.startsWith('metadata.name=')
        ? fieldSel.slice('metadata.name='.length)
        : undefined;
      if (url.searchParams.get('watch') === 'true') return this.watch(url, res, fieldName);
      const all = [...this.objects.values()].filter((o) => !fieldName || o.metadata?.name === fieldName);
      const limit = Number(url.searchParams.get('limit') ?? '0');
      const start = Number(url.searchParams.get('continue') || '0');
      const page = limit > 0 ? all.slice(start, start + limit) : all;
      const next = limit > 0 && start + limit < all.length ? String(start + limit) : '';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'List',
          apiVersion: 'v1',
          metadata: { resourceVersion: String(this.rv), continue: next },
          items: page,
        }),
      );
    });
  }

  private watch(url: URL, res: http.ServerResponse, fieldName?: string): void {
    const from = Number(url.searchParams.get('resourceVersion') || '0');
    if (from > 0 && from < this.compactedBefore - 1) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            status: 'Failure',
            reason: 'Expired',
            code: 410,
            message: 'too old resource version',
          },
        }) + '\n',
      );
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    for (const h of this.history) {
      if (h.rv > from && (!fieldName || h.object.metadata?.name === fieldName))
        res.write(JSON.stringify({ type: h.type, object: h.object }) + '\n');
    }
    const w = { res, ...(fieldName ? { fieldName } : {}) };
    this.watchers.add(w);
    res.on('close', () => this.watchers.delete(w));
  }
}
