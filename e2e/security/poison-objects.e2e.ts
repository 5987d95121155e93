// Poison objects (docs/security.md, "Bad objects are terminal, not hot loops"): consumer objects
// the agent cannot process must get one clear Warning event, be retried with backoff, and never stop
// the sync of anything else; objects up to the API servers' size limit sync with their state; names
// from consumer data never change which URL the agent requests.
//
// One world: Blobs (spec preserves unknown fields, so consumers choose the nesting and the size) with a
// kcp-origin related ConfigMap named by `spec.configName`, and Stricts whose provider mutation makes
// every copy invalid for the service cluster's schema.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startAgent } from '../world/agent.js';
import { freePort } from '../world/ports.js';
import { startProcess } from '../world/process.js';
import { ApiError, type KubeObject, type RestClient } from '../world/rest.js';
import { waitFor } from '../world/wait.js';
import {
  eventsFor,
  publishedResource,
  sha1,
  sha3short,
  STEP,
  useAgentWorld,
  waitForObject,
  waitForServed,
  type AgentWorld,
} from '../agent/helpers.js';

const BLOBS = '/apis/poison.example.com/v1/namespaces/default/blobs';
const STRICTS = '/apis/poison.example.com/v1/namespaces/default/stricts';
/** The agent's limit (operator/engine/sync/limits.ts MAX_OBJECT_DEPTH), restated independently. */
const LIMIT = 1000;
/**
 * The Go agent, for the swap test: `GO_API_SYNCAGENT` (a binary), else the development machine's
 * reference script (prints the binary's path); the test is skipped where neither exists.
 */
function goAgentBinary(): string | undefined {
  if (process.env.GO_API_SYNCAGENT) return process.env.GO_API_SYNCAGENT;
  const script = '/work/shared/reference/go-api-syncagent';
  if (!existsSync(script)) return undefined;
  try {
    return execFileSync('bash', [script, '--path'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
const GO_AGENT = goAgentBinary();

function crd(kind: string, plural: string, spec: object): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.poison.example.com` },
    spec: {
      group: 'poison.example.com',
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec,
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

/**
 * A Blob whose whole object nests exactly `depth` levels (the object itself is level 1), as JSON text:
 * JSON.stringify itself recurses and would overflow the test's stack for the deepest ones.
 */
function deepBlob(name: string, depth: number): string {
  const head = `{"apiVersion":"poison.example.com/v1","kind":"Blob","metadata":{"name":"${name}"},"spec":`;
  return `${head}${'{"a":'.repeat(depth - 2)}{"leaf":"x"}${'}'.repeat(depth - 2)}}`;
}

function blob(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'poison.example.com/v1', kind: 'Blob', metadata: { name }, spec };
}

function stateSecretName(cluster: string, kind: string, name: string): string {
  const json =
    JSON.stringify({ apiVersion: 'poison.example.com/v1', kind, name, namespace: 'default' }) + '\n';
  return `obj-state-${cluster}-${sha1(json).slice(0, 20)}`;
}

async function metric(port: number, line: RegExp): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const l of text.split('\n')) if (line.test(l)) sum += Number(l.split(' ').pop());
  return sum;
}

describe('security: poison objects', () => {
  let metricsPort = 0;
  beforeAll(async () => {
    metricsPort = await freePort();
  });
  // the getter is read by the world's beforeAll, after the port above is chosen
  const world: () => AgentWorld = useAgentWorld({
    name: 'security-poison',
    get metricsPort() {
      return metricsPort;
    },
    manifests: [
      crd('Blob', 'blobs', { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
      crd('Strict', 'stricts', {
        type: 'object',
        properties: { value: { type: 'string', maxLength: 5 } },
      }),
      publishedResource('publish-blobs', {
        resource: { apiGroup: 'poison.example.com', kind: 'Blob', versions: ['v1'] },
        related: [
          {
            identifier: 'config',
            origin: 'kcp',
            kind: 'ConfigMap',
            object: { reference: { path: 'spec.configName' } },
          },
        ],
      }),
      publishedResource('publish-stricts', {
        resource: { apiGroup: 'poison.example.com', kind: 'Strict', versions: ['v1'] },
        mutation: {
          spec: [
            { regex: { path: 'spec.value', pattern: '.+', replacement: 'far-too-long-for-the-schema' } },
          ],
        },
      }),
    ],
  } as Parameters<typeof useAgentWorld>[0]);

  const kcp = (): RestClient => world().provider.teamAdmin(0);
  const cluster = (): string => world().provider.teamClusterNames[0]!;
  const localBlob = (name: string): string =>
    `/apis/poison.example.com/v1/namespaces/${cluster()}/blobs/${sha3short('default')}-${sha3short(name)}`;

  async function waitForEvent(name: string, reason: string, timeoutMs = 60_000): Promise<KubeObject> {
    return waitFor(async () => (await eventsFor(kcp(), 'default', name)).find((e) => e.reason === reason), {
      description: `a ${reason} event on default/${name} in kcp`,
      timeoutMs,
    });
  }

  it(
    'refuses a deeply nested object with one Warning event while a normal object next to it syncs',
    async () => {
      const w = world();
      await waitForServed(w, 0, BLOBS);
      // Far deeper than any recursive step survives, well within what kcp accepts.
      await kcp().create(BLOBS, deepBlob('deep-5000', 5000));
      const start = Date.now();
      await kcp().create(BLOBS, blob('neighbour', { value: 'fine' }));
      const copy = await waitForObject(w.service.client, localBlob('neighbour'));
      const neighbourMs = Date.now() - start;
      console.log(`poison: the neighbour of a 5000-level object synced in ${neighbourMs} ms`);
      expect(copy.spec).toEqual({ value: 'fine' });

      const ev = await waitForEvent('deep-5000', 'ObjectRefused');
      expect(ev.type).toBe('Warning');
      expect(ev.message).toContain('kcp object Blob default/deep-5000');
      expect(ev.message).toContain(`limit of ${LIMIT} levels`);
      // Retried with backoff, not re-reported in a loop: one Event object, a small count.
      await new Promise((r) => setTimeout(r, 10_000));
      const refused = (await eventsFor(kcp(), 'default', 'deep-5000')).filter(
        (e) => e.reason === 'ObjectRefused',
      );
      expect(refused).toHaveLength(1);
      expect(refused[0]!.count ?? 1).toBeLessThan(20);
      expect(await w.service.client.getOrUndefined(localBlob('deep-5000'))).toBeUndefined();
      expect(w.agent.hasExited()).toBe(false);
      // Edits of the neighbour still flow.
      await kcp().mergePatch(`${BLOBS}/neighbour`, { spec: { value: 'edited' } });
      await waitFor(
        async () => (await w.service.client.get(localBlob('neighbour'))).spec?.value === 'edited',
        {
          description: 'the edit of the neighbour on the service cluster',
        },
      );
      await kcp().delete(`${BLOBS}/deep-5000`);
    },
    STEP,
  );

  it(
    `syncs an object nested exactly ${LIMIT} levels deep (state included) and refuses ${LIMIT + 1} levels`,
    async () => {
      const w = world();
      await waitForServed(w, 0, BLOBS);
      // What the kube-apiserver accepts on the service cluster: Go's JSON decoder stops at 10000 levels.
      const probe = (n: number) => deepBlob(`probe-${n}`, n);
      await w.service.client.create('/apis/poison.example.com/v1/namespaces/default/blobs', probe(9_990));
      await expect(
        w.service.client.create('/apis/poison.example.com/v1/namespaces/default/blobs', probe(10_010)),
      ).rejects.toThrow(/depth|nest/i);

      await kcp().create(BLOBS, deepBlob('deep-at-limit', LIMIT));
      await kcp().create(BLOBS, deepBlob('deep-over-limit', LIMIT + 1));
      const copy = await waitForObject(w.service.client, localBlob('deep-at-limit'));
      let depth = 0;
      for (let v: unknown = copy.spec; v && typeof v === 'object'; v = (v as { a?: unknown }).a) depth++;
      expect(depth).toBe(LIMIT - 1); // spec (level 2) down to the object holding `leaf` (level LIMIT)
      const secret = await waitFor(
        () =>
          w.service.client.getOrUndefined(
            `/api/v1/namespaces/kube-system/secrets/${stateSecretName(cluster(), 'Blob', 'deep-at-limit')}`,
          ),
        { description: 'the state Secret of deep-at-limit' },
      );
      expect(Object.keys(secret.data ?? {})).toHaveLength(1);
      const ev = await waitForEvent('deep-over-limit', 'ObjectRefused');
      expect(ev.message).toContain(`limit of ${LIMIT} levels`);
      expect(await w.service.client.getOrUndefined(localBlob('deep-over-limit'))).toBeUndefined();
      await kcp().delete(`${BLOBS}/deep-over-limit`);
    },
    STEP,
  );

  it(
    'syncs an incompressible object near the size limit with its state, and later edits flow through it',
    async () => {
      const w = world();
      await waitForServed(w, 0, BLOBS);
      // Random base64 is about as incompressible as JSON text gets (gzip keeps ~76%). Largest size both
      // API servers accept: etcd refuses requests above 1.5 MiB.
      let size = 0;
      for (const candidate of [1_450_000, 1_300_000, 1_150_000, 1_000_000]) {
        try {
          await kcp().create(
            BLOBS,
            blob('huge', {
              payload: randomBytes(candidate).toString('base64').slice(0, candidate),
              note: 'v1',
            }),
          );
          size = candidate;
          break;
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
        }
      }
      console.log(`poison: kcp accepted a ${size}-byte incompressible Blob`);
      expect(size).toBeGreaterThanOrEqual(1_000_000);
      const copy = await waitForObject(w.service.client, localBlob('huge'), 120_000);
      expect((copy.spec.payload as string).length).toBe(size);
      const secretPath = `/api/v1/namespaces/kube-system/secrets/${stateSecretName(cluster(), 'Blob', 'huge')}`;
      const secret = await waitFor(() => w.service.client.getOrUndefined(secretPath), {
        description: 'the state Secret of the huge Blob',
        timeoutMs: 60_000,
      });
      const entry = Buffer.from(Object.values(secret.data as Record<string, string>)[0]!, 'base64').toString(
        'latin1',
      );
      // not the Go format: compressed, and above ~1.36 MB split over part Secrets
      expect(entry.startsWith(size > 1_400_000 ? 'syncagent.kcp.io/parts:' : 'syncagent.kcp.io/')).toBe(true);
      const stateSecrets = async () =>
        (
          await w.service.client.list(
            `/api/v1/namespaces/kube-system/secrets?labelSelector=${encodeURIComponent('syncagent.kcp.io/object-state=true')}`,
          )
        ).items
          .map((s) => String(s.metadata.name))
          .filter((n) => n.startsWith(stateSecretName(cluster(), 'Blob', 'huge')));
      if (size > 1_400_000) expect((await stateSecrets()).length).toBeGreaterThanOrEqual(3);
      // The state is used: a field set only on the service cluster survives an edit of another field
      // (a merge patch from the state); without state the spec would be overwritten as a whole.
      await w.service.client.mergePatch(localBlob('huge'), { spec: { providerOnly: 'kept' } });
      await kcp().mergePatch(`${BLOBS}/huge`, { spec: { note: 'v2' } });
      const edited = await waitFor(
        async () => {
          const c = await w.service.client.get(localBlob('huge'));
          return c.spec.note === 'v2' ? c : undefined;
        },
        { description: 'the edit of the huge Blob on the service cluster', timeoutMs: 60_000 },
      );
      expect(edited.spec.providerOnly).toBe('kept');
      expect((edited.spec.payload as string).length).toBe(size);
      const events = await eventsFor(kcp(), 'default', 'huge');
      expect(events.filter((e) => e.type === 'Warning')).toEqual([]);
      // Deleting the object removes its copy, its state Secret and the parts.
      await kcp().delete(`${BLOBS}/huge`);
      await waitFor(async () => (await stateSecrets()).length === 0, {
        description: 'the state Secret and parts of the huge Blob to be deleted',
        timeoutMs: 60_000,
      });
      expect(await w.service.client.getOrUndefined(localBlob('huge'))).toBeUndefined();
    },
    STEP,
  );

  it(
    'never lets a consumer-supplied related name ("..", ".", encoded slashes) reach another path',
    async () => {
      const w = world();
      await waitForServed(w, 0, BLOBS);
      // An object of this workspace that must survive: its namespace on the service cluster is the one
      // a `..` name would turn "configmaps/.." into.
      await kcp().create(BLOBS, blob('bystander', { value: 'keep me' }));
      await waitForObject(w.service.client, localBlob('bystander'));
      for (const [name, configName] of [
        ['dotdot', '..'],
        ['dot', '.'],
        ['encoded', '..%2F..%2Fsecrets'],
      ] as const) {
        await kcp().create(BLOBS, blob(name, { configName }));
      }
      for (const [name, why] of [
        // Refused before any request: the related-object rules check names first (RelatedResourceRefused);
        // the REST client would refuse the same segments ("invalid name ...") if they got that far.
        ['dotdot', /invalid (origin |destination )?name "\.\."/],
        ['dot', /invalid (origin |destination )?name "\."/],
        ['encoded', /invalid (origin |destination )?name "\.\.%2F\.\.%2Fsecrets"/],
      ] as const) {
        const ev = await waitFor(
          async () => (await eventsFor(kcp(), 'default', name)).find((e) => why.test(String(e.message))),
          { description: `an event naming the invalid related name on ${name}` },
        );
        expect(ev.type).toBe('Warning');
      }
      // The kcp namespace "default" (what configmaps/.. resolves to) was not patched by the agent.
      const ns = await kcp().get('/api/v1/namespaces/default');
      expect(ns.metadata.finalizers ?? []).not.toContain('syncagent.kcp.io/cleanup');
      // Deleting the primaries runs the related cleanup: the tenant's service namespace stays.
      for (const name of ['dotdot', 'dot', 'encoded']) await kcp().delete(`${BLOBS}/${name}`);
      await waitFor(async () => !(await kcp().getOrUndefined(`${BLOBS}/dotdot`)), {
        description: 'the primary dotdot to be gone',
        timeoutMs: 60_000,
      });
      await new Promise((r) => setTimeout(r, 3_000));
      const svcNs = await w.service.client.get(`/api/v1/namespaces/${cluster()}`);
      expect(svcNs.metadata.deletionTimestamp).toBeUndefined();
      expect((await w.service.client.get(localBlob('bystander'))).spec).toEqual({ value: 'keep me' });
      // No request of the agent went to a path without its resource segment.
      const log = readFileSync(w.agent.logPath, 'utf8');
      expect(log).not.toMatch(/(GET|PUT|PATCH|DELETE|POST) \S*\/namespaces\/[^/\s]+: \d{3}/);
    },
    STEP,
  );

  it(
    'reports an object the provider mutation makes invalid with one event and retries it with backoff',
    async () => {
      const w = world();
      await waitForServed(w, 0, STRICTS);
      const attempts = () =>
        readFileSync(w.agent.logPath, 'utf8')
          .split('\n')
          .filter((l) => l.includes('Reconciler error') && l.includes('"name":"mutated-invalid"')).length;
      const attemptsAtStart = attempts(); // the log file outlives earlier runs
      await kcp().create(STRICTS, {
        apiVersion: 'poison.example.com/v1',
        kind: 'Strict',
        metadata: { name: 'mutated-invalid' },
        spec: { value: 'abc' },
      });
      const ev = await waitForEvent('mutated-invalid', 'ObjectInvalid');
      expect(ev.type).toBe('Warning');
      expect(ev.message).toMatch(/spec\.value.*(Too long|5)/);
      // Backoff, not a hot loop: count the sync controller's reconciles, and the failed attempts on
      // this object, for 30 s (per-item backoff doubles from 5 ms: about a dozen in the first 20 s).
      const reconciles = /^controller_runtime_reconcile_total\{controller="syncagent-sync"/;
      const before = await metric(metricsPort, reconciles);
      const attemptsBefore = attempts() - attemptsAtStart;
      await new Promise((r) => setTimeout(r, 30_000));
      const during = (await metric(metricsPort, reconciles)) - before;
      const attemptsDuring = attempts() - attemptsAtStart - attemptsBefore;
      console.log(
        `poison: ${during} sync reconciles, ${attemptsDuring} failed attempts on the invalid object in 30 s (${attemptsBefore} before)`,
      );
      expect(attemptsBefore + attemptsDuring).toBeLessThan(20);
      expect(during).toBeLessThan(25);
      const invalid = (await eventsFor(kcp(), 'default', 'mutated-invalid')).filter(
        (e) => e.reason === 'ObjectInvalid',
      );
      expect(invalid).toHaveLength(1);
      expect(w.agent.hasExited()).toBe(false);
    },
    STEP,
  );
  (GO_AGENT ? it : it.skip)(
    'swapping to the Go agent and back loses nothing: it reads a split state as "no state" and syncs from kcp',
    async () => {
      const w = world();
      await waitForServed(w, 0, BLOBS);
      const size = 1_450_000;
      await kcp().create(
        BLOBS,
        blob('swapped', { payload: randomBytes(size).toString('base64').slice(0, size), note: 'ts' }),
      );
      await kcp().create(BLOBS, blob('small-swapped', { note: 'ts' }));
      await waitForObject(w.service.client, localBlob('swapped'), 120_000);
      await waitForObject(w.service.client, localBlob('small-swapped'));
      const secretPath = (name: string) =>
        `/api/v1/namespaces/kube-system/secrets/${stateSecretName(cluster(), 'Blob', name)}`;
      await waitFor(() => w.service.client.getOrUndefined(secretPath('swapped')), {
        description: 'the split state of the swapped Blob',
      });

      // The Go agent, same flags, same clusters.
      await w.agent.stop();
      const goAgent = startProcess({
        name: 'go-agent',
        command: GO_AGENT!,
        args: w.agentArgs,
        logPath: path.join(w.artifactsDir, 'go-agent.log'),
      });
      try {
        await kcp().mergePatch(`${BLOBS}/swapped`, { spec: { note: 'go' } });
        await kcp().mergePatch(`${BLOBS}/small-swapped`, { spec: { note: 'go' } });
        for (const name of ['swapped', 'small-swapped']) {
          await waitFor(async () => (await w.service.client.get(localBlob(name))).spec?.note === 'go', {
            description: `the Go agent to sync the edit of ${name}`,
            timeoutMs: 90_000,
          });
        }
        const copy = await w.service.client.get(localBlob('swapped'));
        expect((copy.spec.payload as string).length).toBe(size);
        expect(goAgent.hasExited()).toBe(false);
      } finally {
        await goAgent.stop();
      }

      // Back to this agent: edits flow again, nothing was orphaned or duplicated.
      w.agent = await startAgent({ artifactsDir: w.artifactsDir, args: w.agentArgs, name: 'agent-after-go' });
      await kcp().mergePatch(`${BLOBS}/swapped`, { spec: { note: 'ts-again' } });
      await waitFor(
        async () => (await w.service.client.get(localBlob('swapped'))).spec?.note === 'ts-again',
        {
          description: 'this agent to sync the edit of the swapped Blob again',
          timeoutMs: 90_000,
        },
      );
      const copies = await w.service.client.list(`/apis/poison.example.com/v1/namespaces/${cluster()}/blobs`);
      expect(copies.items.filter((c) => String(c.metadata.name).endsWith(sha3short('swapped')))).toHaveLength(
        1,
      );
      await kcp().delete(`${BLOBS}/swapped`);
      await waitFor(async () => !(await w.service.client.getOrUndefined(localBlob('swapped'))), {
        description: 'the copy of the swapped Blob to be deleted',
        timeoutMs: 60_000,
      });
    },
    STEP * 2,
  );
});
