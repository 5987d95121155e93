// The provider docs cannot rot:
// - docs/authoring.md: every `<!-- example: ID publishedresource -->` block is accepted by the real
//   CRD on a kube-apiserver (schema and CEL rules, server-side dry run), and every
//   `<!-- example: ID preview -->` block is exactly what `pubres-toolkit preview` prints for the
//   PublishedResource and object of the same ID (UPDATE_DOCS=1 rewrites the preview blocks).
// - docs/troubleshooting.md names every event reason and condition reason the agent emits (read
//   from operator/).
// - the Mermaid diagrams are fenced as GitHub renders them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { artifactsDirFor } from '../world/run.js';
import { startServiceCluster, type ServiceCluster } from '../world/service-cluster.js';
import { kubectl, REPO_ROOT } from './support.js';

const STEP_TIMEOUT = 180_000;
const TOOLKIT = path.join(REPO_ROOT, 'dist', 'operator', 'toolkit', 'main.js');
const AUTHORING = path.join(REPO_ROOT, 'docs', 'authoring.md');
const TROUBLESHOOTING = path.join(REPO_ROOT, 'docs', 'troubleshooting.md');
const CRD = path.join(REPO_ROOT, 'crds', 'syncagent.kcp.io_publishedresources.yaml');

interface Example {
  id: string;
  role: string;
  body: string;
  /** Offsets of the body inside the document (for UPDATE_DOCS). */
  start: number;
  end: number;
}

const EXAMPLE = /<!-- example: (\S+) (\S+) -->\n```yaml\n([\s\S]*?)```/g;

function examples(doc: string): Example[] {
  return [...doc.matchAll(EXAMPLE)].map((m) => {
    const start = m.index + m[0].indexOf('```yaml\n') + '```yaml\n'.length;
    return { id: m[1]!, role: m[2]!, body: m[3]!, start, end: start + m[3]!.length };
  });
}

/** Every event reason and condition reason the agent writes, read from its sources. */
function agentReasons(): Set<string> {
  const reasons = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) {
        if (e !== 'testing') walk(p);
        continue;
      }
      if (!p.endsWith('.ts') || p.endsWith('.test.ts')) continue;
      const src = readFileSync(p, 'utf8');
      for (const re of [
        /reason: '([A-Z][A-Za-z]+)'/g, // SyncEvent constants and condition inputs
        /'(?:Warning|Normal)',\s*'([A-Z][A-Za-z]+)'/g, // recorder.event(..., type, reason, ...)
        /setSyncing\(pr, '(?:True|False)', '([A-Z][A-Za-z]+)'/g, // Syncing condition
        /\?\.reason \?\? '([A-Z][A-Za-z]+)'/g, // Ready's fallbacks
        /EVENT_REASON_\w+ = '([A-Z][A-Za-z]+)'/g,
      ]) {
        for (const m of src.matchAll(re)) reasons.add(m[1]!);
      }
    }
  };
  walk(path.join(REPO_ROOT, 'operator'));
  // Reasons of API errors (rest client), not of the agent's events or conditions.
  for (const r of ['NotFound', 'Expired', 'TooManyRequests', 'Unauthorized']) reasons.delete(r);
  return reasons;
}

describe('provider docs', () => {
  let cluster: ServiceCluster;
  let tmp: string;
  const doc = readFileSync(AUTHORING, 'utf8');
  const all = examples(doc);

  beforeAll(async () => {
    cluster = await startServiceCluster({
      name: 'shipping-docs',
      artifactsDir: artifactsDirFor('shipping-docs'),
    });
    tmp = path.join(cluster.dir, 'examples');
    mkdirSync(tmp, { recursive: true });
    const k = (...args: string[]) => kubectl(['--kubeconfig', cluster.kubeconfigPath, ...args]);
    expect(k('apply', '--server-side', '-f', CRD).code).toBe(0);
    expect(
      k('wait', '--for=condition=Established', 'crd/publishedresources.syncagent.kcp.io', '--timeout=60s')
        .code,
    ).toBe(0);
  }, STEP_TIMEOUT);
  afterAll(async () => {
    await cluster?.stop();
  }, STEP_TIMEOUT);

  it('authoring.md: every PublishedResource is valid for the CRD (schema and CEL rules)', () => {
    const prs = all.filter((e) => e.role === 'publishedresource');
    expect(prs.map((e) => e.id)).toEqual(['minimal', 'database', 'filtered', 'related', 'event-mirror']);
    for (const e of prs) {
      const r = kubectl(['--kubeconfig', cluster.kubeconfigPath, 'apply', '--dry-run=server', '-f', '-'], {
        input: e.body,
      });
      expect(`${e.id}: ${r.stderr}`).toBe(`${e.id}: `);
      expect(r.code).toBe(0);
    }
  });

  it('authoring.md: every preview is what pubres-toolkit preview prints', () => {
    const previews = all.filter((e) => e.role === 'preview');
    expect(previews.length).toBeGreaterThanOrEqual(2);
    let updated = doc;
    // From the end, so offsets stay valid while rewriting.
    for (const p of [...previews].reverse()) {
      const pr = all.find((e) => e.id === p.id && e.role === 'publishedresource');
      const obj = all.find((e) => e.id === p.id && e.role === 'object');
      if (!pr || !obj) throw new Error(`example ${p.id}: preview without publishedresource and object`);
      const prFile = path.join(tmp, `${p.id}-pr.yaml`);
      const objFile = path.join(tmp, `${p.id}-object.yaml`);
      writeFileSync(prFile, pr.body);
      writeFileSync(objFile, obj.body);
      const r = spawnSync(
        process.execPath,
        [TOOLKIT, 'preview', '--published-resource', prFile, '--object', objFile, '--cluster', '2x7abc'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      if (process.env.UPDATE_DOCS === '1')
        updated = updated.slice(0, p.start) + r.stdout + updated.slice(p.end);
      else expect(`${p.id}:\n${p.body}`).toBe(`${p.id}:\n${r.stdout}`);
    }
    if (process.env.UPDATE_DOCS === '1') writeFileSync(AUTHORING, updated);
  });

  it('troubleshooting.md explains every event reason and condition reason of the agent', () => {
    const text = readFileSync(TROUBLESHOOTING, 'utf8');
    const reasons = agentReasons();
    // The extraction finds the well-known ones (guards against a regex that matches nothing).
    for (const r of [
      'ObjectAccepted',
      'ReconcilingError',
      'PublishingFailed',
      'NotServed',
      'SchemaPending',
    ]) {
      expect(reasons).toContain(r);
    }
    expect([...reasons].filter((r) => !text.includes(`\`${r}\``))).toEqual([]);
    // And every condition type.
    for (const c of ['SchemaPublished', 'Syncing', 'Ready']) expect(text).toContain(`\`${c}\``);
  });

  it('diagrams are Mermaid blocks GitHub renders', () => {
    const architecture = readFileSync(path.join(REPO_ROOT, 'docs', 'architecture.md'), 'utf8');
    const blocks = [...architecture.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const b of [...blocks, ...[...doc.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!)]) {
      expect(b.split('\n')[0]).toMatch(/^(flowchart (LR|TB|TD)|sequenceDiagram)$/);
    }
  });
});
