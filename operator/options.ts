/**
 * The agent's command line (docs/compatibility.md#command-line): the same flags, defaults, validation
 * messages and exit codes as the Go agent, so existing Deployments and the Helm chart's arguments work
 * unchanged.
 */
import { FlagError, FlagSet, HelpRequested } from './cli/pflag.js';
import { FINALIZER_MODES, type FinalizerMode } from './engine/sync/finalizers.js';
import { parseSelector, type Selector } from './runtime/labels/selector.js';

export const CONTROLLER_NAMES = ['apiexport', 'apiresourceschema', 'sync'] as const;

export interface Options {
  kubeconfig: string;
  kcpKubeconfig: string;
  namespace: string;
  agentName: string;
  apiExportEndpointSliceRef: string;
  publishedResourceSelectorString: string;
  enableLeaderElection: boolean;
  kubeconfigHostOverride: string;
  kubeconfigCAFileOverride: string;
  metricsAddress: string;
  healthAddress: string;
  disabledControllers: string[];
  logDebug: boolean;
  logFormat: 'JSON' | 'Console';
  /** Additions (docs/authoring.md#finalizers): the finalizer name on kcp objects. */
  finalizerMode: FinalizerMode;
  /** How long a deleted kcp object's foreign finalizers are waited for; 0 does not wait. */
  foreignFinalizerTimeoutMs: number;
  /** Additions (docs/sharding.md): every replica syncs its share of the consumer workspaces. */
  enableSharding: boolean;
  /** Member Lease timing of sharded replicas (client-go's leader-election defaults). */
  shardLeaseDurationMs: number;
  shardRenewDeadlineMs: number;
  shardRetryPeriodMs: number;
}

/** Options after defaulting: the agent name is derived, the selector parsed. */
export interface CompletedOptions extends Options {
  publishedResourceSelector: Selector;
}

export type ParseOutcome =
  | { kind: 'ok'; options: CompletedOptions }
  | { kind: 'help'; text: string; exitCode: 0 }
  | { kind: 'usage-error'; text: string; exitCode: 2 }
  | { kind: 'invalid'; text: string; exitCode: 1 };

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function dns1035LabelErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035_LABEL.test(v))
    errs.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  return errs;
}

export function newFlagSet(o: Options): FlagSet {
  const fs = new FlagSet('api-syncagent');
  fs.string(
    'kubeconfig',
    '',
    'Paths to a kubeconfig. Only required if out-of-cluster.',
    (v) => (o.kubeconfig = v),
  );
  fs.string('kcp-kubeconfig', '', 'kubeconfig file of kcp', (v) => (o.kcpKubeconfig = v));
  fs.string('namespace', '', 'Kubernetes namespace the Sync Agent is running in', (v) => (o.namespace = v));
  fs.string(
    'agent-name',
    '',
    'name of this Sync Agent, must not be changed after the first run, can be left blank to auto-generate a name',
    (v) => (o.agentName = v),
  );
  fs.string(
    'apiexportendpointslice-ref',
    '',
    'name of the APIExportEndpointSlice in kcp that this Sync Agent is powering',
    (v) => (o.apiExportEndpointSliceRef = v),
  );
  fs.string(
    'published-resource-selector',
    '',
    'restrict this Sync Agent to only process PublishedResources matching this label selector (optional)',
    (v) => (o.publishedResourceSelectorString = v),
  );
  fs.bool(
    'enable-leader-election',
    false,
    'whether to perform leader election',
    (v) => (o.enableLeaderElection = v),
  );
  fs.string(
    'kubeconfig-host-override',
    '',
    'override the host configured in the local kubeconfig',
    (v) => (o.kubeconfigHostOverride = v),
  );
  fs.string(
    'kubeconfig-ca-file-override',
    '',
    'override the server CA file configured in the local kubeconfig',
    (v) => (o.kubeconfigCAFileOverride = v),
  );
  fs.string(
    'metrics-address',
    '127.0.0.1:8085',
    'host and port to serve Prometheus metrics via /metrics (HTTP)',
    (v) => (o.metricsAddress = v),
  );
  fs.string(
    'health-address',
    '',
    'host and port to serve probes via /readyz and /healthz (HTTP)',
    (v) => (o.healthAddress = v),
  );
  fs.stringSlice(
    'disabled-controllers',
    `comma-separated list of controllers (out of ${CONTROLLER_NAMES.join(', ')}) to disable (can be given multiple times)`,
    (v) => (o.disabledControllers = v),
  );
  fs.bool('log-debug', false, 'Enables more verbose logging', (v) => (o.logDebug = v));
  o.logFormat = 'JSON';
  fs.custom('log-format', 'JSON', 'Log format, one of [Console JSON]', (raw) => {
    const lower = raw.toLowerCase();
    if (lower === 'json') o.logFormat = 'JSON';
    else if (lower === 'console') o.logFormat = 'Console';
    else throw new Error(`invalid format '${raw}'`);
  });
  o.finalizerMode = 'shared';
  fs.custom(
    'finalizer-mode',
    'shared',
    `finalizer on kcp objects, one of [${FINALIZER_MODES.join(' ')}]: "agent" names it after this agent so agents sharing objects do not release each other's hold (switching either way migrates existing objects)`,
    (raw) => {
      if (!(FINALIZER_MODES as readonly string[]).includes(raw))
        throw new Error(`invalid finalizer mode '${raw}'`);
      o.finalizerMode = raw as FinalizerMode;
    },
  );
  o.foreignFinalizerTimeoutMs = 0;
  fs.custom(
    'foreign-finalizer-timeout',
    '0s',
    'keep the service-side copy of a deleted kcp object while it carries finalizers of others (not of sync agents) for at most this long, e.g. 5m; 0s does not wait',
    (raw) => {
      const ms = parseDurationMs(raw);
      if (ms === undefined) throw new Error(`invalid duration '${raw}' (e.g. 90s, 5m, 1h30m)`);
      o.foreignFinalizerTimeoutMs = ms;
    },
  );
  fs.bool(
    'enable-sharding',
    false,
    'split the consumer workspaces between all replicas (needs --enable-leader-election; see docs/sharding.md)',
    (v) => (o.enableSharding = v),
  );
  const duration = (flag: string, def: string, help: string, set: (ms: number) => void): void => {
    set(parseDurationMs(def)!);
    fs.custom(flag, def, help, (raw) => {
      const ms = parseDurationMs(raw);
      if (ms === undefined || ms <= 0) throw new Error(`invalid duration '${raw}' (e.g. 15s, 1m)`);
      set(ms);
    });
  };
  duration(
    'shard-lease-duration',
    '15s',
    'with --enable-sharding: a replica whose member Lease was not renewed for this long is considered gone',
    (ms) => (o.shardLeaseDurationMs = ms),
  );
  duration(
    'shard-renew-deadline',
    '10s',
    'with --enable-sharding: a replica that could not renew its member Lease for this long stops all work',
    (ms) => (o.shardRenewDeadlineMs = ms),
  );
  duration(
    'shard-retry-period',
    '2s',
    'with --enable-sharding: how often a replica renews its member Lease and looks at the others',
    (ms) => (o.shardRetryPeriodMs = ms),
  );
  return fs;
}

/** A Go-style duration made of hours, minutes and seconds ("1h30m", "90s", "0"); undefined when malformed. */
export function parseDurationMs(raw: string): number | undefined {
  if (raw === '0') return 0;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(raw);
  if (!m || raw === '') return undefined;
  const [h, min, s] = [m[1], m[2], m[3]].map((v) => Number(v ?? 0));
  return ((h! * 60 + min!) * 60 + s!) * 1000;
}

/**
 * The Go agent's validation and texts; messages aggregated like k8s utilerrors (one → text, several → [a,
 * b]).
 */
export function validate(o: Options): string[] {
  const errs: string[] = [];
  if (o.kcpKubeconfig === '') errs.push('--kcp-kubeconfig is required');
  if (o.namespace === '') errs.push('--namespace is required');
  if (o.agentName !== '') {
    const e = dns1035LabelErrors(o.agentName);
    if (e.length) errs.push(`--agent-name is invalid: [${e.join(', ')}]`);
  }
  if (o.apiExportEndpointSliceRef === '') {
    errs.push('--apiexportendpointslice-ref is required');
  } else if (o.agentName === '') {
    // A derived default name must be valid too (the Go agent never checks it).
    const derived = `${o.apiExportEndpointSliceRef}-syncagent`;
    const e = dns1035LabelErrors(derived);
    if (e.length)
      errs.push(`derived agent name "${derived}" is invalid, set --agent-name: [${e.join(', ')}]`);
  }
  if (o.publishedResourceSelectorString !== '') {
    try {
      parseSelector(o.publishedResourceSelectorString);
    } catch (e) {
      errs.push(
        `invalid --published-resource-selector "${o.publishedResourceSelectorString}": ${(e as Error).message}`,
      );
    }
  }
  if (o.enableSharding && !o.enableLeaderElection)
    errs.push('--enable-sharding requires --enable-leader-election (the leader keeps the singleton work)');
  if (o.enableSharding) {
    if (!(o.shardRetryPeriodMs < o.shardRenewDeadlineMs))
      errs.push('--shard-retry-period must be shorter than --shard-renew-deadline');
    if (!(o.shardRenewDeadlineMs < o.shardLeaseDurationMs))
      errs.push('--shard-renew-deadline must be shorter than --shard-lease-duration');
  }
  const unknown = o.disabledControllers.filter((c) => !(CONTROLLER_NAMES as readonly string[]).includes(c));
  if (unknown.length)
    errs.push(`unknown controller(s) [${unknown.join(' ')}], mut be any of [${CONTROLLER_NAMES.join(' ')}]`);
  return errs;
}

export function aggregate(errs: string[]): string {
  return errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`;
}

export function parseOptions(argv: readonly string[]): ParseOutcome {
  const o = {} as Options;
  const fs = newFlagSet(o);
  try {
    fs.parse(argv);
  } catch (e) {
    if (e instanceof HelpRequested) return { kind: 'help', text: fs.usage(), exitCode: 0 };
    if (e instanceof FlagError)
      return { kind: 'usage-error', text: `${e.message}\n${fs.usage()}`, exitCode: 2 };
    throw e;
  }
  const errs = validate(o);
  if (errs.length) return { kind: 'invalid', text: `Invalid command line: ${aggregate(errs)}`, exitCode: 1 };
  const agentName = o.agentName || `${o.apiExportEndpointSliceRef}-syncagent`;
  return {
    kind: 'ok',
    options: { ...o, agentName, publishedResourceSelector: parseSelector(o.publishedResourceSelectorString) },
  };
}
