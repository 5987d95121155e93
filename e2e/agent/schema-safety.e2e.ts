// Schema changes that cannot break consumers, the way a provider uses them: the sample CronTab is
// published with `schemaUpdatePolicy: CompatibleOnly`; a compatible CRD change (a new optional field)
// is published, a breaking one (a removed field) is held — SchemaChangeHeld condition and Warning
// event, the APIExport keeps the old schema, consumers keep working with it, and
// `pubres-toolkit schema-diff` shows the same verdict offline — and reverting the CRD or allowing the
// change with `Always` lets publishing resume.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { REPO_ROOT } from '../world/process.js';
import type { KubeObject } from '../world/rest.js';
import { waitFor } from '../world/wait.js';
import {
  CRONTABS,
  eventsFor,
  getPublishedResource,
  localCronTabPath,
  publishCronTabs,
  PRS,
  STEP,
  useAgentWorld,
  waitForObject,
  waitForSchemaName,
  waitForServed,
  type AgentWorld,
} from './helpers.js';

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.example.com';
const ARS = '/apis/apis.kcp.io/v1alpha1/apiresourceschemas';
const PR_PATH = `${PRS}/publish-crontabs`;

type Props = Record<string, { type: string }>;

/** Replaces the properties of the CRD's `spec` (the CRD the world installed from the examples). */
async function setSpecFields(w: AgentWorld, mutate: (props: Props) => void): Promise<void> {
  const crd = await w.service.client.get(CRD_PATH);
  mutate(crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties as Props);
  await w.service.client.update(CRD_PATH, crd);
}

async function exportSchemas(w: AgentWorld): Promise<string[]> {
  const exp = await w.provider.admin.get(`/apis/apis.kcp.io/v1alpha1/apiexports/${w.provider.exportName}`);
  return (exp.spec.latestResourceSchemas ?? []) as string[];
}

async function heldCondition(w: AgentWorld): Promise<Record<string, string> | undefined> {
  const pr = await getPublishedResource(w, 'publish-crontabs');
  return ((pr.status?.conditions ?? []) as Record<string, string>[]).find(
    (c) => c.type === 'SchemaChangeHeld',
  );
}

/** Creates a CronTab in team 0 once kcp accepts it (the binding may still be catching up). */
async function createCronTab(
  w: AgentWorld,
  name: string,
  spec: Record<string, unknown>,
): Promise<KubeObject> {
  await waitFor(
    async () =>
      w.provider
        .teamAdmin(0)
        .create(CRONTABS, { apiVersion: 'example.com/v1', kind: 'CronTab', metadata: { name }, spec })
        .then(
          () => true,
          () => undefined,
        ),
    { description: `kcp to accept CronTab ${name}`, timeoutMs: 60_000 },
  );
  return waitForObject(w.service.client, localCronTabPath(w, name));
}

/** `pubres-toolkit schema-diff` on the CRD and the published schema as they are now, like a provider's CI. */
async function schemaDiff(
  w: AgentWorld,
  publishedName: string,
): Promise<{ status: number | null; stdout: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schema-diff-'));
  const files = {
    crd: path.join(dir, 'crd.yaml'),
    ars: path.join(dir, 'ars.yaml'),
    pr: path.join(dir, 'pr.yaml'),
  };
  writeFileSync(files.crd, YAML.stringify(await w.service.client.get(CRD_PATH)));
  writeFileSync(files.ars, YAML.stringify(await w.provider.admin.get(`${ARS}/${publishedName}`)));
  writeFileSync(files.pr, YAML.stringify(await w.service.client.get(PR_PATH)));
  const r = spawnSync(
    process.execPath,
    [
      path.join(REPO_ROOT, 'dist/operator/toolkit/main.js'),
      'schema-diff',
      '--crd',
      files.crd,
      '--published',
      files.ars,
      '--pr',
      files.pr,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return { status: r.status, stdout: r.stdout };
}

describe('agent: schema update policy', () => {
  const world = useAgentWorld({
    name: 'agent-schema-safety',
    manifests: [publishCronTabs({ schemaUpdatePolicy: 'CompatibleOnly' })],
  });
  let compatible = '';

  it(
    'publishes a compatible CRD change (a new optional field)',
    async () => {
      const w = world();
      const first = await waitForSchemaName(w, 'publish-crontabs');
      await waitForServed(w, 0, CRONTABS);
      await createCronTab(w, 'before', { cronSpec: '* * * * *', image: 'app:1' });

      await setSpecFields(w, (p) => (p.note = { type: 'string' }));
      compatible = await waitFor(
        async () => {
          const name = (await getPublishedResource(w, 'publish-crontabs')).status?.resourceSchemaName;
          return name && name !== first ? (name as string) : undefined;
        },
        { description: 'the compatible schema to be recorded', timeoutMs: 60_000 },
      );
      await waitFor(async () => (await exportSchemas(w)).includes(compatible) || undefined, {
        description: 'the APIExport to list the compatible schema',
      });
      expect(await exportSchemas(w)).not.toContain(first);
      // The binding follows the export a moment later: until then kcp prunes the new field.
      await waitFor(
        async () => {
          const probe = await w.provider.teamAdmin(0).create(`${CRONTABS}?dryRun=All`, {
            apiVersion: 'example.com/v1',
            kind: 'CronTab',
            metadata: { name: 'probe' },
            spec: { note: 'x' },
          });
          return probe.spec?.note === 'x' || undefined;
        },
        { description: 'team 0 to be served the compatible schema', timeoutMs: 60_000 },
      );
      // Consumers can use the new field: kcp keeps it, and the object is synced.
      await createCronTab(w, 'with-note', { cronSpec: '* * * * *', image: 'app:1', note: 'hi' });
      const kcpObject = await w.provider.teamAdmin(0).get(`${CRONTABS}/with-note`);
      expect(kcpObject.spec).toEqual({ cronSpec: '* * * * *', image: 'app:1', note: 'hi' });
      expect(await heldCondition(w)).toBeUndefined();
    },
    STEP,
  );

  it(
    'holds a breaking change (a removed field): condition, event, old schema kept, consumers unaffected',
    async () => {
      const w = world();
      await setSpecFields(w, (p) => delete p.image);
      const held = await waitFor(
        async () => {
          const c = await heldCondition(w);
          return c?.status === 'True' ? c : undefined;
        },
        { description: 'SchemaChangeHeld=True', timeoutMs: 60_000 },
      );
      expect(held.reason).toBe('BreakingSchemaChange');
      expect(held.message).toContain(`the APIExport keeps ${compatible}`);
      expect(held.message).toContain('versions[v1].spec.image: field removed');
      const events = await waitFor(
        async () => {
          const e = (await eventsFor(w.service.client, 'default', 'publish-crontabs')).filter(
            (x) => x.reason === 'SchemaChangeHeld',
          );
          return e.length > 0 ? e : undefined;
        },
        { description: 'the Warning SchemaChangeHeld event' },
      );
      expect(events[0]!.type).toBe('Warning');
      expect((await getPublishedResource(w, 'publish-crontabs')).status?.resourceSchemaName).toBe(compatible);
      expect(await exportSchemas(w)).toContain(compatible);

      // A consumer keeps the schema it bound to: `image` is still accepted in kcp, and writing it
      // neither releases the hold nor stops the sync (the service cluster prunes the field).
      const ct = await w.provider.teamAdmin(0).get(`${CRONTABS}/before`);
      expect(ct.spec.image).toBe('app:1');
      const copy = await createCronTab(w, 'during-hold', { cronSpec: '0 * * * *', image: 'app:2' });
      expect(copy.spec).toEqual({ cronSpec: '0 * * * *' });
      expect((await heldCondition(w))?.status).toBe('True');

      // The same verdict offline, as a provider's CI would get it.
      const diff = await schemaDiff(w, compatible);
      expect(diff.status).toBe(1);
      expect(diff.stdout).toContain('BREAKING    versions[v1].spec.image: field removed');
      expect(diff.stdout).toContain('schemaUpdatePolicy CompatibleOnly: the agent would hold');
    },
    STEP,
  );

  it(
    'resumes when the CRD is reverted, and publishes a breaking change once the policy is Always',
    async () => {
      const w = world();
      await setSpecFields(w, (p) => (p.image = { type: 'string' }));
      const released = await waitFor(
        async () => {
          const c = await heldCondition(w);
          return c?.status === 'False' ? c : undefined;
        },
        { description: 'SchemaChangeHeld=False after the revert', timeoutMs: 60_000 },
      );
      expect(released.reason).toBe('NoChangeHeld');
      expect((await getPublishedResource(w, 'publish-crontabs')).status?.resourceSchemaName).toBe(compatible);

      await setSpecFields(w, (p) => delete p.image);
      await waitFor(async () => ((await heldCondition(w))?.status === 'True' ? true : undefined), {
        description: 'the breaking change held again',
        timeoutMs: 60_000,
      });
      await w.service.client.mergePatch(PR_PATH, { spec: { schemaUpdatePolicy: 'Always' } });
      const breaking = await waitFor(
        async () => {
          const name = (await getPublishedResource(w, 'publish-crontabs')).status?.resourceSchemaName;
          return name && name !== compatible ? (name as string) : undefined;
        },
        { description: 'the breaking schema to be published under Always', timeoutMs: 60_000 },
      );
      await waitFor(async () => (await exportSchemas(w)).includes(breaking) || undefined, {
        description: 'the APIExport to list the breaking schema',
      });
      expect((await heldCondition(w))?.status).toBe('False');
    },
    STEP,
  );
});
