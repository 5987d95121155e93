/**
 * A kubeconfig-based JSON GET for pubres-toolkit on the agent's own REST transport (context,
 * certificates, tokens, exec plugins), answering errors with the server's Status message like the
 * Go tool. It implements controllers/source-schema.ts's `JSONGetter`.
 */
import { loadRestConfig } from '../runtime/client/config.js';
import { RestClient } from '../runtime/client/rest.js';
import { readBody } from '../runtime/client/transport.js';
import type { JSONGetter } from '../controllers/source-schema.js';

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

/** A REST client for one kubeconfig file and context (the same loader and transport as the agent). */
export function loadKubeConfig(file: string, context?: string): RestClient {
  return new RestClient(
    loadRestConfig({ kubeconfig: file, explicitOnly: true, ...(context ? { context } : {}) }),
  );
}

export class KubeConfigJSONGetter implements JSONGetter {
  private readonly client: RestClient;

  constructor(client: RestClient) {
    this.client = client;
  }

  async getJSON(path: string): Promise<unknown> {
    return JSON.parse(await this.getText(path)) as unknown;
  }

  /** The raw body (CRDs are parsed without losing integer precision). */
  async getText(path: string): Promise<string> {
    const res = await this.client.transport.send({ method: 'GET', url: this.client.url(path) });
    const body = await readBody(res);
    if (res.status < 200 || res.status >= 300) throw new HTTPStatusError(res.status, path, body);
    return body;
  }

  close(): void {
    this.client.close();
  }
}
