/**
 * Reads kubeconfig files the way client-go's loader does, without a Kubernetes client library (the one
 * we used for this alone cost ~80 MiB of resident memory, see docs/benchmark.md):
 *
 * - several files ($KUBECONFIG) merge by name, the FIRST file that defines a cluster, user or context
 *   wins, and `current-context` comes from the first file that sets it;
 * - relative paths (certificate-authority, client-certificate, client-key, tokenFile, an exec command
 *   containing a slash) are resolved against the directory of the file that defined the entry;
 * - `token` wins over `tokenFile` (client-go's order).
 *
 * The result is a resolved, file-free description of one context: its cluster and its user.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface ExecEnvVar {
  name: string;
  value: string;
}

/** A client-go credential plugin (kubeconfig `users[].user.exec`). */
export interface ExecConfig {
  apiVersion: string;
  command: string;
  args: string[];
  env: ExecEnvVar[];
  installHint?: string;
  provideClusterInfo: boolean;
  interactiveMode?: string;
  /** `clusters[].cluster.extensions[client.authentication.k8s.io/exec].extension`, passed to the plugin. */
  clusterConfig?: unknown;
}

export interface KubeconfigCluster {
  server: string;
  /** PEM bytes of the CA bundle (from -data or the file). */
  ca?: Buffer;
  insecureSkipTLSVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export type KubeconfigAuth =
  | { type: 'none' }
  | { type: 'token'; token: string }
  | { type: 'tokenFile'; path: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'exec'; exec: ExecConfig };

export interface KubeconfigUser {
  /** PEM client certificate and key (from -data or the files). */
  cert?: Buffer;
  key?: Buffer;
  auth: KubeconfigAuth;
}

export interface ResolvedContext {
  contextName: string;
  cluster: KubeconfigCluster;
  user: KubeconfigUser;
  /** The context's default namespace, if any. */
  namespace?: string;
}

type Entry = Record<string, unknown>;
interface Named {
  name: string;
  value: Entry;
  /** Directory of the file that defined it (relative paths resolve here). */
  dir: string;
}

interface Merged {
  currentContext: string;
  clusters: Map<string, Named>;
  users: Map<string, Named>;
  contexts: Map<string, Named>;
}

/** Parses and merges kubeconfig files, then resolves one context (default: current-context). */
export function loadKubeconfigFiles(files: readonly string[], context?: string): ResolvedContext {
  const merged: Merged = { currentContext: '', clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const file of files) mergeFile(merged, file);
  return resolveContext(merged, context, files.join(':'));
}

/** Same, from kubeconfig text (tests, pubres-toolkit); relative paths resolve against `dir`. */
export function loadKubeconfigText(text: string, dir: string, context?: string): ResolvedContext {
  const merged: Merged = { currentContext: '', clusters: new Map(), users: new Map(), contexts: new Map() };
  mergeDocument(merged, parseDocument(text, '<inline kubeconfig>'), dir, '<inline kubeconfig>');
  return resolveContext(merged, context, '<inline kubeconfig>');
}

function mergeFile(merged: Merged, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`kubeconfig ${file}: ${(err as Error).message}`, { cause: err });
  }
  mergeDocument(merged, parseDocument(text, file), dirname(file), file);
}

function parseDocument(text: string, where: string): Entry {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new Error(`kubeconfig ${where}: not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`kubeconfig ${where}: not a mapping`);
  return doc as Entry;
}

function mergeDocument(merged: Merged, doc: Entry, dir: string, where: string): void {
  const current = doc['current-context'];
  if (merged.currentContext === '' && typeof current === 'string') merged.currentContext = current;
  for (const [field, inner, target] of [
    ['clusters', 'cluster', merged.clusters],
    ['users', 'user', merged.users],
    ['contexts', 'context', merged.contexts],
  ] as const) {
    const list = doc[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new Error(`kubeconfig ${where}: ${field} must be a list`);
    list.forEach((item: unknown, i) => {
      const e = (item ?? {}) as Entry;
      if (typeof e.name !== 'string' || e.name === '')
        throw new Error(`kubeconfig ${where}: ${field}[${i}].name must be a non-empty string`);
      if (!target.has(e.name)) target.set(e.name, { name: e.name, value: (e[inner] ?? {}) as Entry, dir });
    });
  }
}

function resolveContext(merged: Merged, wanted: string | undefined, where: string): ResolvedContext {
  const name = wanted || merged.currentContext;
  if (!name) throw new Error(`kubeconfig ${where}: no current-context and no context given`);
  const ctx = merged.contexts.get(name);
  if (!ctx) throw new Error(`kubeconfig ${where}: context "${name}" does not exist`);
  const clusterName = str(ctx.value, 'cluster', `contexts[${name}]`);
  const cluster = merged.clusters.get(clusterName ?? '');
  if (!cluster)
    throw new Error(
      `kubeconfig ${where}: context "${name}" names cluster "${clusterName}", which does not exist`,
    );
  const userName = str(ctx.value, 'user', `contexts[${name}]`);
  const user = userName ? merged.users.get(userName) : undefined;
  if (userName && !user)
    throw new Error(`kubeconfig ${where}: context "${name}" names user "${userName}", which does not exist`);
  const namespace = str(ctx.value, 'namespace', `contexts[${name}]`);
  return {
    contextName: name,
    cluster: resolveCluster(cluster),
    user: user ? resolveUser(user, cluster) : { auth: { type: 'none' } },
    ...(namespace ? { namespace } : {}),
  };
}

function resolveCluster(c: Named): KubeconfigCluster {
  const where = `clusters[${c.name}]`;
  const server = str(c.value, 'server', where);
  if (!server) throw new Error(`kubeconfig: ${where}.server is missing`);
  const ca = pemFrom(c, 'certificate-authority-data', 'certificate-authority', where);
  const tlsServerName = str(c.value, 'tls-server-name', where);
  const proxyUrl = str(c.value, 'proxy-url', where);
  return {
    server,
    insecureSkipTLSVerify: c.value['insecure-skip-tls-verify'] === true,
    ...(ca ? { ca } : {}),
    ...(tlsServerName ? { tlsServerName } : {}),
    ...(proxyUrl ? { proxyUrl } : {}),
  };
}

function resolveUser(u: Named, cluster: Named): KubeconfigUser {
  const where = `users[${u.name}]`;
  const cert = pemFrom(u, 'client-certificate-data', 'client-certificate', where);
  const key = pemFrom(u, 'client-key-data', 'client-key', where);
  if (!!cert !== !!key)
    throw new Error(`kubeconfig: ${where} has a client certificate without a key or vice versa`);
  return { ...(cert ? { cert } : {}), ...(key ? { key } : {}), auth: resolveAuth(u, cluster, where) };
}

function resolveAuth(u: Named, cluster: Named, where: string): KubeconfigAuth {
  const v = u.value;
  const token = str(v, 'token', where);
  if (token) return { type: 'token', token };
  const tokenFile = str(v, 'tokenFile', where);
  if (tokenFile) return { type: 'tokenFile', path: resolvePath(u.dir, tokenFile) };
  if (v.exec) return { type: 'exec', exec: resolveExec(v.exec as Entry, u.dir, cluster, `${where}.exec`) };
  if (v['auth-provider']) {
    const ap = v['auth-provider'] as Entry;
    const cfg = (ap.config ?? {}) as Record<string, unknown>;
    // Only a still-valid token can be used; refreshing needs the provider's own flow (client-go has
    // dropped all in-tree providers but oidc). An exec plugin is the supported replacement.
    const t = cfg['id-token'] ?? cfg['access-token'];
    if (typeof t === 'string' && t !== '') return { type: 'token', token: t };
    throw new Error(
      `kubeconfig: ${where}.auth-provider "${String(ap.name)}" is not supported without an id-token; use an exec credential plugin`,
    );
  }
  const username = str(v, 'username', where);
  if (username) return { type: 'basic', username, password: str(v, 'password', where) ?? '' };
  return { type: 'none' };
}

function resolveExec(e: Entry, dir: string, cluster: Named, where: string): ExecConfig {
  const command = str(e, 'command', where);
  if (!command) throw new Error(`kubeconfig: ${where}.command is missing`);
  const apiVersion = str(e, 'apiVersion', where);
  if (!apiVersion) throw new Error(`kubeconfig: ${where}.apiVersion is missing`);
  const args = e.args ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string'))
    throw new Error(`kubeconfig: ${where}.args must be a list of strings`);
  const env = (e.env ?? []) as unknown;
  if (!Array.isArray(env)) throw new Error(`kubeconfig: ${where}.env must be a list`);
  const extensions = (cluster.value.extensions ?? []) as { name?: string; extension?: unknown }[];
  const clusterConfig = Array.isArray(extensions)
    ? extensions.find((x) => x?.name === 'client.authentication.k8s.io/exec')?.extension
    : undefined;
  const installHint = str(e, 'installHint', where);
  const interactiveMode = str(e, 'interactiveMode', where);
  return {
    apiVersion,
    // client-go resolves a command with a path separator against the kubeconfig's directory
    command: command.includes('/') ? resolvePath(dir, command) : command,
    args: args as string[],
    env: env.map((x: Entry, i) => {
      if (typeof x?.name !== 'string')
        throw new Error(`kubeconfig: ${where}.env[${i}].name must be a string`);
      return { name: x.name, value: String(x.value ?? '') };
    }),
    provideClusterInfo: e.provideClusterInfo === true,
    ...(installHint ? { installHint } : {}),
    ...(interactiveMode ? { interactiveMode } : {}),
    ...(clusterConfig !== undefined ? { clusterConfig } : {}),
  };
}

function str(e: Entry, field: string, where: string): string | undefined {
  const v = e[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new Error(`kubeconfig: ${where}.${field} must be a string`);
  return v;
}

function pemFrom(n: Named, dataField: string, fileField: string, where: string): Buffer | undefined {
  const data = str(n.value, dataField, where);
  if (data) return Buffer.from(data, 'base64');
  const file = str(n.value, fileField, where);
  if (!file) return undefined;
  const path = resolvePath(n.dir, file);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`kubeconfig: ${where}.${fileField} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function resolvePath(dir: string, p: string): string {
  return isAbsolute(p) ? p : join(dir, p);
}
