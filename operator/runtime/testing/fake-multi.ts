import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../client/types.js';

/**
 * A minimal object store over HTTP for runtime unit tests (Leases, Events): GET/POST/PUT/PATCH(merge)/DELETE
 * of single objects keyed by URL path, with resourceVersion conflict checks. Not an API server.
 */
export class FakeObjectServer {
  readonly objects = new Map<string, KubeObject>();
  readonly log: { method: string; path: string; body: unknown }[] = [];
  private rv = 1;
  private server = http.createServer((req, res) => this.handle(req, res));
  url = '';
  /** When set, every request fails with this status (simulates an unreachable API server). */
  failWith: number | undefined;

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private send(res: http.ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const body = raw ? (JSON.parse(raw) as KubeObject) : undefined;
      this.log.push({ method: req.method ?? '', path, body });
      if (this.failWith)
        return this.send(res, this.failWith, { code: this.failWith, message: 'injected failure' });
      const status = (code: number, reason: string): void =>
        this.send(res, code, { kind: 'Status', code, reason, message: `${reason}: ${path}` });
      switch (req.method) {
        case 'GET': {
          const o = this.objects.get(path);
          return o ? this.send(res, 200, o) : status(404, 'NotFound');
        }
        case 'POST': {
          const p = `${path}/${body?.metadata?.name}`;
          if (this.objects.has(p)) return status(409, 'AlreadyExists');
          const o = { ...body, metadata: { ...body?.metadata, resourceVersion: String(++this.rv) } };
          this.objects.set(p, o);
          return this.send(res, 201, o);
        }
        case 'PUT': {
          const cur = this.objects.get(path);
          if (!cur) return status(404, 'NotFound');
          if (body?.metadata?.resourceVersion !== cur.metadata?.resourceVersion)
            return status(409, 'Conflict');
          const o = { ...body, metadata: { ...body?.metadata, resourceVersion: String(++this.rv) } };
          this.objects.set(path, o);
          return this.send(res, 200, o);
        }
        case 'PATCH': {
          const cur = this.objects.get(path);
          if (!cur) return status(404, 'NotFound');
          const o = { ...cur, ...body, metadata: { ...cur.metadata, resourceVersion: String(++this.rv) } };
          this.objects.set(path, o);
          return this.send(res, 200, o);
        }
        case 'DELETE': {
          const cur = this.objects.get(path);
          if (!cur) return status(404, 'NotFound');
          this.objects.delete(path);
          return this.send(res, 200, { kind: 'Status', status: 'Success', code: 200 });
        }
        default:
          return status(405, 'MethodNotAllowed');
      }
    });
  }
}
