// A keep-alive JSON client for the benchmark's own writes (creates, status patches). The e2e RestClient
// opens a new TLS connection per request; at 100 objects/s on 2 cores that handshake cost would be
// charged to the machine the agent is measured on, so the load generator reuses connections.
import https from 'node:https';
import type { Credentials } from '../../../e2e/world/kubeconfig.js';

export interface JsonClient {
  send(method: string, path: string, body: unknown, contentType?: string): Promise<unknown>;
  close(): void;
}

export function jsonClient(creds: Credentials, maxSockets = 32, timeoutMs = 30_000): JsonClient {
  const agent = new https.Agent({ keepAlive: true, maxSockets, ca: creds.caPem });
  const base = new URL(creds.server);
  return {
    send(method, path, body, contentType = 'application/json') {
      const payload = body === undefined ? '' : JSON.stringify(body);
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'Content-Type': contentType,
        'Content-Length': String(Buffer.byteLength(payload)),
      };
      if (creds.token) headers.Authorization = `Bearer ${creds.token}`;
      return new Promise((resolve, reject) => {
        const req = https.request(
          {
            host: base.hostname,
            port: base.port,
            path: base.pathname.replace(/\/$/, '') + path,
            method,
            headers,
            agent,
            cert: creds.clientCertPem,
            key: creds.clientKeyPem,
          },
          (res) => {
            let data = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (data += c));
            res.on('end', () => {
              if ((res.statusCode ?? 0) >= 300) {
                reject(
                  new Error(
                    `${method} ${creds.server}${path}: HTTP ${res.statusCode}: ${data.slice(0, 300)}`,
                  ),
                );
              } else resolve(data ? JSON.parse(data) : undefined);
            });
            res.on('error', reject);
          },
        );
        req.setTimeout(timeoutMs, () =>
          req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs}ms`)),
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

/** Runs tasks with at most `limit` in flight; resolves when all settled (errors are collected). */
export async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<Error[]> {
  const errors: Error[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (err) {
        errors.push(err as Error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return errors;
}
