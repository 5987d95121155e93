// manifests/monitoring: `kubectl apply -k` works on a real kube-apiserver (with the Prometheus
// Operator's two CRDs, reduced to their names), every metric an alert or dashboard panel queries
// exists in the agent (operator/), and the Grafana dashboard is importable as is.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

import { artifactsDirFor } from '../world/run.js';
import { startServiceCluster, type ServiceCluster } from '../world/service-cluster.js';
import { kubectl, parseDocs, REPO_ROOT, type KubeDoc } from './support.js';

const STEP_TIMEOUT = 180_000;
const MONITORING = path.join(REPO_ROOT, 'manifests', 'monitoring');

/** The Prometheus Operator CRDs the kustomization needs, without their schemas. */
function operatorCrd(kind: string, plural: string): string {
  return JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.monitoring.coreos.com` },
    spec: {
      group: 'monitoring.coreos.com',
      names: { kind, plural, listKind: `${kind}List`, singular: kind.toLowerCase() },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  });
}

/** All TypeScript sources of the agent (no tests), concatenated. */
function agentSources(): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(REPO_ROOT, 'operator'));
  return out.join('\n');
}

/** Metric names a PromQL expression selects (`name{...}`), histogram suffixes removed. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)].map((m) =>
    m[1]!.replace(/_(bucket|sum|count)$/, ''),
  );
}

/** prom-client's collectDefaultMetrics() families used by the dashboard. */
const DEFAULT_METRICS = new Set(['process_resident_memory_bytes']);

describe('manifests/monitoring', () => {
  let cluster: ServiceCluster;
  let docs: KubeDoc[];
  const k = (...args: string[]) => kubectl(['--kubeconfig', cluster.kubeconfigPath, ...args]);

  beforeAll(async () => {
    const built = kubectl(['kustomize', MONITORING]);
    if (built.code !== 0) throw new Error(`kubectl kustomize failed: ${built.stderr}`);
    docs = parseDocs(built.stdout);
    cluster = await startServiceCluster({
      name: 'shipping-monitoring',
      artifactsDir: artifactsDirFor('shipping-monitoring'),
    });
  }, STEP_TIMEOUT);
  afterAll(async () => {
    await cluster?.stop();
  }, STEP_TIMEOUT);

  const rules = () =>
    (
      docs.find((d) => d.kind === 'PrometheusRule') as unknown as {
        spec: { groups: { rules: { alert: string; expr: string; for: string }[] }[] };
      }
    ).spec.groups.flatMap((g) => g.rules);
  const dashboard = () => {
    const cm = docs.find((d) => d.metadata?.name === 'api-syncagent-grafana-dashboard') as unknown as {
      data: Record<string, string>;
      metadata: { labels: Record<string, string> };
    };
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    return JSON.parse(cm.data['api-syncagent.json']!) as {
      uid: string;
      title: string;
      schemaVersion: number;
      id?: unknown;
      panels: {
        id: number;
        type: string;
        title: string;
        gridPos: Record<string, number>;
        datasource: { uid: string };
        targets: { expr: string }[];
      }[];
      templating: { list: { name: string }[] };
    };
  };

  it('alerts on agent down, rising reconcile errors, sync lag, queue depth, PublishedResource not Ready', () => {
    expect(rules().map((r) => r.alert)).toEqual([
      'ApiSyncAgentDown',
      'ApiSyncAgentReconcileErrorsRising',
      'ApiSyncAgentSyncLag',
      'ApiSyncAgentQueueDepth',
      'ApiSyncAgentPublishedResourceNotReady',
    ]);
    for (const r of rules()) {
      expect(r.for).toMatch(/^\d+m$/);
      // Balanced brackets: a cheap guard against a broken expression.
      for (const [open, close] of [
        ['(', ')'],
        ['{', '}'],
        ['[', ']'],
      ] as const) {
        expect(r.expr.split(open).length).toBe(r.expr.split(close).length);
      }
    }
  });

  it('queries only metrics the agent exports (or the shipped kube-state-metrics config defines)', () => {
    const sources = agentSources();
    const ksm = docs.find((d) => d.metadata?.name === 'api-syncagent-kube-state-metrics') as unknown as {
      data: Record<string, string>;
    };
    const ksmConfig = parse(ksm.data['publishedresources.yaml']!) as {
      spec: { resources: { metricNamePrefix: string; metrics: { name: string }[] }[] };
    };
    const ksmMetrics = new Set(
      ksmConfig.spec.resources.flatMap((r) => r.metrics.map((m) => `${r.metricNamePrefix}_${m.name}`)),
    );
    const used = new Set([
      ...rules().flatMap((r) => metricNames(r.expr)),
      ...dashboard().panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr))),
    ]);
    expect(used.size).toBeGreaterThan(8);
    const missing = [...used].filter(
      (m) => m !== 'up' && !DEFAULT_METRICS.has(m) && !ksmMetrics.has(m) && !sources.includes(`'${m}'`),
    );
    expect(missing).toEqual([]);
    expect(ksmMetrics).toEqual(new Set(['kube_customresource_publishedresource_ready']));
  });

  it('ships a Grafana dashboard importable as is', () => {
    const d = dashboard();
    // The ConfigMap holds the file unchanged.
    expect(d).toEqual(JSON.parse(readFileSync(path.join(MONITORING, 'grafana-dashboard.json'), 'utf8')));
    expect(d.id ?? null).toBeNull();
    expect(d.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(typeof d.schemaVersion).toBe('number');
    expect(d.templating.list.map((v) => v.name)).toContain('datasource');
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of d.panels) {
      expect(p.title).not.toBe('');
      expect(Object.keys(p.gridPos).sort()).toEqual(['h', 'w', 'x', 'y']);
      expect(p.datasource.uid).toBe('${datasource}');
      expect(p.targets.length).toBeGreaterThan(0);
    }
  });

  it(
    'applies with kubectl apply -k on a real kube-apiserver',
    () => {
      for (const [kind, plural] of [
        ['ServiceMonitor', 'servicemonitors'],
        ['PrometheusRule', 'prometheusrules'],
      ] as const) {
        const crd = kubectl(['--kubeconfig', cluster.kubeconfigPath, 'apply', '-f', '-'], {
          input: operatorCrd(kind, plural),
        });
        expect(crd.stderr).toBe('');
      }
      expect(
        k(
          'wait',
          '--for=condition=Established',
          'crd/servicemonitors.monitoring.coreos.com',
          'crd/prometheusrules.monitoring.coreos.com',
          '--timeout=60s',
        ).code,
      ).toBe(0);
      expect(k('create', 'namespace', 'api-syncagent').code).toBe(0);
      const applied = k('apply', '-k', MONITORING);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain('prometheusrule.monitoring.coreos.com/api-syncagent created');
      expect(applied.stdout).toContain('configmap/api-syncagent-grafana-dashboard created');
    },
    STEP_TIMEOUT,
  );
});
