// Minimal kubeconfig files: one cluster, one user, one context. Written for every server and user
// of the test world so that the agent, kubectl and humans can use them.
import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';

export interface Credentials {
  /** Base URL, e.g. https://127.0.0.1:6443 or https://127.0.0.1:6443/clusters/root:org. */
  server: string;
  /** PEM of the CA that signed the server certificate. */
  caPem: string;
  token?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

export function writeKubeconfig(file: string, creds: Credentials, contextName = 'default'): string {
  const user: Record<string, string> = {};
  if (creds.token) user.token = creds.token;
  if (creds.clientCertPem) user['client-certificate-data'] = b64(creds.clientCertPem);
  if (creds.clientKeyPem) user['client-key-data'] = b64(creds.clientKeyPem);
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: contextName,
        cluster: { server: creds.server, 'certificate-authority-data': b64(creds.caPem) },
      },
    ],
    users: [{ name: contextName, user }],
    contexts: [{ name: contextName, context: { cluster: contextName, user: contextName } }],
    'current-context': contextName,
  };
  writeFileSync(file, YAML.stringify(doc), { mode: 0o600 });
  return file;
}

/** Reads the current context of a kubeconfig (inline data only, as written by writeKubeconfig or kcp). */
export function readKubeconfig(file: string, contextName?: string): Credentials {
  const doc = YAML.parse(readFileSync(file, 'utf8')) as any;
  const ctxName = contextName ?? doc['current-context'];
  const ctx = (doc.contexts ?? []).find((c: any) => c.name === ctxName)?.context;
  if (!ctx) throw new Error(`kubeconfig ${file}: context "${ctxName}" not found`);
  const cluster = (doc.clusters ?? []).find((c: any) => c.name === ctx.cluster)?.cluster;
  const user = (doc.users ?? []).find((u: any) => u.name === ctx.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`kubeconfig ${file}: cluster "${ctx.cluster}" has no server`);
  const caData = cluster['certificate-authority-data'];
  if (!caData)
    throw new Error(`kubeconfig ${file}: cluster "${ctx.cluster}" has no certificate-authority-data`);
  return {
    server: cluster.server,
    caPem: unb64(caData),
    token: user.token,
    clientCertPem: user['client-certificate-data'] ? unb64(user['client-certificate-data']) : undefined,
    clientKeyPem: user['client-key-data'] ? unb64(user['client-key-data']) : undefined,
  };
}

/** The same credentials against another logical cluster / workspace path of a kcp server. */
export function forClusterPath(creds: Credentials, clusterPath: string): Credentials {
  const u = new URL(creds.server);
  const base = u.pathname.replace(/\/clusters\/[^/]+\/?$/, '').replace(/\/$/, '');
  u.pathname = `${base}/clusters/${clusterPath}`;
  return { ...creds, server: u.toString().replace(/\/$/, '') };
}
