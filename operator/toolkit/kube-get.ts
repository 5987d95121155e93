/**
 * A minimal kubeconfig-based JSON GET for pubres-toolkit: @kubernetes/client-node resolves the
 * kubeconfig (context, certificates, tokens, exec plugins) and Node's https module does the request.
 * It implements the engine's `JSONGetter`, so the full REST client of operator/runtime can replace it.
 */
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { JSONGetter } from '../engine/schema/fetch-source-schema.js';

export class HTTPStatusError extends Error {
  readonly status: number;
  readonly path: string;

  constructor(status: number, path: string, body: string) {
    super(statusMessage(status, path, body));
    this.status = status;
    this.path = path;
    this.name = 'HTTPStatusError';
  }
}

function statusMessage(status: number, path: string, body: string): string {
  try {
    const s = JSON.parse(body) as { kind?: string; message?: string };
    if (s.kind === 'Status' && s.message) return s.message;
  } catch {
    // not a Status object
  }
  return `GET ${path}: HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`;
}

export function loadKubeConfig(file: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  if (context) {
    if (!kc.getContextObject(context)) throw new Error(`context "${context}" does not exist`);
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) throw new Error('no cluster configured in the kubeconfig');
  return kc;
}

export class KubeConfigJSONGetter implements JSONGetter {
  private readonly kc: KubeConfig;

  constructor(kc: KubeConfig) {
    this.kc = kc;
  }

  async getJSON(path: string): Promise<unknown> {
    const cluster = this.kc.getCurrentCluster()!;
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    const opts: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    await this.kc.applyToHTTPSOptions(opts);
    const mod = url.protocol === 'http:' ? http : https;
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = mod.request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    if (status < 200 || status >= 300) throw new HTTPStatusError(status, path, body);
    return JSON.parse(body) as unknown;
  }
}
