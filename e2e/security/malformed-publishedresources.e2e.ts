// A broken PublishedResource harms only itself (docs/security.md). Over 30 malformed
// PublishedResources are created at once next to good ones: each malformed one gets a condition and a
// Warning event naming the field and the value (on load, or for naming templates when they first
// render an invalid name for an object, which then also gets a Warning event in kcp); the good ones are
// published, served and sync an object; a permission claim kcp would reject is left out of the
// APIExport, which keeps updating (a good PublishedResource created after the bad ones is served).
// A second test checks the agent's list of claims kcp accepts without identityHash against kcp itself.
import { KCP_BUILTIN_CLAIMABLE } from '../../operator/engine/schema/apiexport.js';
import { simpleCrd } from '../world/manifests.js';
import { ApiError, type KubeObject } from '../world/rest.js';
import { waitFor } from '../world/wait.js';
import {
  createCronTabAndWaitForCopy,
  eventsFor,
  getPublishedResource,
  publishedResource,
  PRS,
  sha3short,
  STEP,
  useAgentWorld,
  waitForObject,
  waitForServed,
  type AgentWorld,
} from '../agent/helpers.js';

const GROUP = 'gadgets.example.com';
const gadgets = (plural: string) => `/apis/${GROUP}/v1/namespaces/default/${plural}`;

interface Case {
  name: string;
  /** Spec fields on top of the Gadget resource and a projection kind of its own. */
  spec: Record<string, unknown>;
  /** The condition that reports it. */
  condition: 'ConfigValid' | 'PermissionClaimsValid';
  field: string;
  /** A piece of the value the message must quote. */
  value: string;
  /** Only shows when an object is synced: one (`spec.value`: objectValue) is created. */
  firstBite?: boolean;
  objectValue?: string;
}

const rel = (object: object, extra: object = {}) => ({
  identifier: 'creds',
  origin: 'kcp',
  kind: 'Secret',
  object,
  ...extra,
});
const ref = { reference: { path: 'spec.value' } };
const longName = 'a'.repeat(200_000);

const CASES: Case[] = [
  // spec.naming, found on load
  c(
    'naming-parse',
    { naming: { name: '{{ .Object.metadata.name ' } },
    'spec.naming.name',
    '{{ .Object.metadata.name ',
  ),
  c('naming-ns-parse', { naming: { namespace: '{{ if }}' } }, 'spec.naming.namespace', '{{ if }}'),
  c('naming-constant', { naming: { name: 'Not_Valid' } }, 'spec.naming.name', 'Not_Valid'),
  c('naming-200k', { naming: { name: longName } }, 'spec.naming.name', 'a'.repeat(50)),
  // spec.naming, found when an object is synced
  bite(
    'naming-no-value',
    { naming: { name: '{{ .Object.spec.missing }}' } },
    'spec.naming.name',
    '<no value>',
  ),
  bite(
    'naming-bad-name',
    { naming: { name: '{{ .Object.metadata.name }}_Copy' } },
    'spec.naming.name',
    'one_Copy',
  ),
  bite(
    'naming-too-long',
    { naming: { name: `{{ .Object.metadata.name }}-${'x'.repeat(300)}` } },
    'spec.naming.name',
    '304 characters',
  ),
  {
    ...bite(
      'naming-per-object',
      { naming: { name: '{{ .Object.spec.value }}' } },
      'spec.naming.name',
      'Bad_Value',
    ),
    objectValue: 'Bad_Value',
  },
  bite(
    'naming-bad-ns',
    { naming: { namespace: '{{ .Object.metadata.name }}.ns' } },
    'spec.naming.namespace',
    'one.ns',
  ),
  // spec.filter
  c(
    'filter-operator',
    { filter: { resource: { matchExpressions: [{ key: 'tier', operator: 'Like', values: ['a'] }] } } },
    'spec.filter.resource.matchExpressions[0].operator',
    'Like',
  ),
  c(
    'filter-label-value',
    { filter: { resource: { matchLabels: { app: 'bad value!' } } } },
    'spec.filter.resource.matchLabels[app]',
    'bad value!',
  ),
  c(
    'filter-ns-key',
    { filter: { namespace: { matchLabels: { '-bad': 'x' } } } },
    'spec.filter.namespace.matchLabels',
    '-bad',
  ),
  c(
    'filter-in-empty',
    { filter: { resource: { matchExpressions: [{ key: 'tier', operator: 'In' }] } } },
    'spec.filter.resource.matchExpressions[0].values',
    '[]',
  ),
  // spec.mutation
  c(
    'mutation-regex',
    { mutation: { spec: [{ regex: { path: 'spec.value', pattern: '(unclosed', replacement: 'x' } }] } },
    'spec.mutation.spec[0].regex.pattern',
    '(unclosed',
  ),
  c(
    'mutation-template',
    { mutation: { spec: [{ template: { path: 'spec.value', template: '{{ .Bad ' } }] } },
    'spec.mutation.spec[0].template.template',
    '{{ .Bad ',
  ),
  c(
    'mutation-cel',
    { mutation: { spec: [{ cel: { path: 'spec.value', expression: '1 +' } }] } },
    'spec.mutation.spec[0].cel.expression',
    '1 +',
  ),
  c(
    'mutation-status-cel',
    { mutation: { status: [{ cel: { path: 'status.value', expression: 'self.(' } }] } },
    'spec.mutation.status[0].cel.expression',
    'self.(',
  ),
  c(
    'mutation-two-kinds',
    { mutation: { spec: [{ delete: { path: 'spec.a' }, regex: { path: 'spec.b', pattern: 'x' } }] } },
    'spec.mutation.spec[0]',
    'delete, regex',
  ),
  // spec.related
  c(
    'related-path',
    { related: [rel({ reference: { path: 'spec.{' } })] },
    'spec.related[0].object.reference.path',
    'spec.{',
  ),
  c(
    'related-path-dots',
    { related: [rel({ reference: { path: 'spec..secret' } })] },
    'spec.related[0].object.reference.path',
    'spec..secret',
  ),
  c(
    'related-ref-regex',
    { related: [rel({ reference: { path: 'spec.value', regex: { pattern: '(x', replacement: 'y' } } })] },
    'spec.related[0].object.reference.regex.pattern',
    '(x',
  ),
  c(
    'related-rewrite-regex',
    { related: [rel({ selector: { matchLabels: { a: 'b' }, rewrite: { regex: { pattern: '[' } } } })] },
    'spec.related[0].object.selector.rewrite.regex.pattern',
    '[',
  ),
  c(
    'related-rewrite-template',
    {
      related: [
        rel({ selector: { matchLabels: { a: 'b' }, rewrite: { template: { template: '{{ .Value ' } } } }),
      ],
    },
    'spec.related[0].object.selector.rewrite.template.template',
    '{{ .Value ',
  ),
  c(
    'related-template',
    { related: [rel({ template: { template: '{{ end }}' } })] },
    'spec.related[0].object.template.template',
    '{{ end }}',
  ),
  c(
    'related-ns-template',
    { related: [rel({ ...ref, namespace: { template: { template: '{{ .X ' } } })] },
    'spec.related[0].object.namespace.template.template',
    '{{ .X ',
  ),
  c(
    'related-selector-op',
    {
      related: [
        rel({
          selector: {
            matchExpressions: [{ key: 'a', operator: 'Near' }],
            rewrite: { template: { template: 'x' } },
          },
        }),
      ],
    },
    'spec.related[0].object.selector.matchExpressions[0].operator',
    'Near',
  ),
  c(
    'related-watch-selector',
    {
      related: [rel(ref, { watch: { bySelector: { matchLabels: { k: 'v v' } } } })],
    },
    'spec.related[0].watch.bySelector.matchLabels[k]',
    'v v',
  ),
  c(
    'related-mutation',
    { related: [rel(ref, { mutation: { spec: [{ regex: { path: 'data.a', pattern: '((' } }] } })] },
    'spec.related[0].mutation.spec[0].regex.pattern',
    '((',
  ),
  c(
    'related-duplicate',
    { related: [rel(ref, { identifier: 'dup' }), rel(ref, { identifier: 'dup', kind: 'ConfigMap' })] },
    'spec.related[1].identifier',
    'dup',
  ),
  c(
    'related-two-mechanisms',
    { related: [rel({ ...ref, template: { template: 'x' } })] },
    'spec.related[0].object',
    'reference, template',
  ),
  // spec.resource / spec.projection
  c(
    'versions-both',
    { resource: { apiGroup: GROUP, kind: 'Gadget', version: 'v1', versions: ['v1'] } },
    'spec.resource.versions',
    '["v1"]',
  ),
  c(
    'projection-versions',
    {
      projection: { kind: 'BadProjectionVersions', versions: { v1: 'v9', v2: 'v9' } },
    },
    'spec.projection.versions[v2]',
    'v9',
  ),
  // a permission claim kcp would reject
  {
    name: 'claim-without-identity',
    spec: {
      related: [
        {
          identifier: 'thing',
          origin: 'kcp',
          group: 'things.example.com',
          version: 'v1',
          resource: 'things',
          object: ref,
        },
      ],
    },
    condition: 'PermissionClaimsValid',
    field: 'spec.related[0].identityHash',
    value: 'things.example.com/things',
  },
];

function c(name: string, spec: Record<string, unknown>, field: string, value: string): Case {
  return { name, spec, condition: 'ConfigValid', field, value };
}
function bite(name: string, spec: Record<string, unknown>, field: string, value: string): Case {
  return { ...c(name, spec, field, value), firstBite: true };
}

/** Projected kind of a case: one kcp resource each, so no case hides behind a collision. */
const kindOf = (name: string) =>
  `Bad${name.replace(/(^|-)([a-z0-9])/g, (_m, _d, ch: string) => ch.toUpperCase())}`;
const pluralOf = (name: string) => `${kindOf(name).toLowerCase()}s`;

function prFor(k: Case): KubeObject {
  return publishedResource(`bad-${k.name}`, {
    resource: { apiGroup: GROUP, kind: 'Gadget', versions: ['v1'] },
    projection: { kind: kindOf(k.name) },
    ...k.spec,
  });
}

function condition(
  pr: KubeObject,
  type: string,
): { status: string; reason: string; message: string } | undefined {
  return (
    pr.status?.conditions as { type: string; status: string; reason: string; message: string }[] | undefined
  )?.find((x) => x.type === type);
}

const gadget = (kind: string, name: string, value = 'v') => ({
  apiVersion: `${GROUP}/v1`,
  kind,
  metadata: { name, namespace: 'default' },
  spec: { value },
});

async function exportSpec(
  w: AgentWorld,
): Promise<{ latestResourceSchemas?: string[]; permissionClaims?: { group?: string; resource: string }[] }> {
  const exp = await w.provider.admin.get(`/apis/apis.kcp.io/v1alpha1/apiexports/${w.provider.exportName}`);
  return exp.spec ?? {};
}

describe('security: a broken PublishedResource harms only itself', () => {
  const world = useAgentWorld({
    name: 'sec-malformed-prs',
    manifests: [simpleCrd(GROUP, 'Gadget', 'gadgets', { specFields: ['value'], status: 'none' })],
  });

  it(
    `reports each of ${CASES.length} malformed PublishedResources on itself while the good ones work`,
    async () => {
      const w = world();
      expect(CASES.length).toBeGreaterThanOrEqual(30);
      const good = [
        publishedResource('good-crontabs', {
          resource: { apiGroup: 'example.com', kind: 'CronTab', versions: ['v1'] },
        }),
        publishedResource('good-gadgets', {
          resource: { apiGroup: GROUP, kind: 'Gadget', versions: ['v1'] },
          projection: { kind: 'GoodGadget' },
        }),
      ];
      // All at once, good and bad interleaved.
      await Promise.all([...CASES.map(prFor), ...good].map((pr) => w.service.client.create(PRS, pr)));

      // Every malformed one: a False condition and a Warning event, both naming field and value.
      const team = w.provider.teamAdmin(0);
      const cluster = w.provider.teamClusterNames[0]!;
      for (const k of CASES.filter((x) => x.firstBite)) {
        await waitForServed(w, 0, gadgets(pluralOf(k.name)), 120_000);
        await team.create(gadgets(pluralOf(k.name)), gadget(kindOf(k.name), 'one', k.objectValue));
      }
      const failures: string[] = [];
      await Promise.all(
        CASES.map(async (k) => {
          const name = `bad-${k.name}`;
          try {
            const cond = await waitFor(
              async () => {
                const x = condition(await getPublishedResource(w, name), k.condition);
                return x?.status === 'False' &&
                  x.message.includes(k.field) &&
                  x.message.includes(JSON.stringify(k.value).slice(1, -1))
                  ? x
                  : undefined;
              },
              {
                description: `${k.condition}=False naming ${k.field} on ${name}`,
                timeoutMs: 150_000,
                intervalMs: 1000,
              },
            );
            expect(cond.reason).toBe('InvalidField');
            const ready = condition(await getPublishedResource(w, name), 'Ready');
            expect(ready?.status).not.toBe('True');
            await waitFor(
              async () =>
                (await eventsFor(w.service.client, 'default', name)).find(
                  (e) =>
                    e.type === 'Warning' &&
                    e.reason === 'InvalidField' &&
                    String(e.message).includes(k.field),
                ),
              { description: `InvalidField event on ${name}`, timeoutMs: 30_000, intervalMs: 1000 },
            );
            if (k.firstBite) {
              // The consumer's object is told too, naming the provider's field.
              await waitFor(
                async () =>
                  (await eventsFor(team, 'default', 'one')).find(
                    (e) =>
                      e.involvedObject?.kind === kindOf(k.name) &&
                      e.type === 'Warning' &&
                      String(e.message).includes(k.field),
                  ),
                {
                  description: `Warning event on ${kindOf(k.name)} default/one`,
                  timeoutMs: 30_000,
                  intervalMs: 1000,
                },
              );
            }
          } catch (err) {
            failures.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
          }
        }),
      );
      expect(failures).toEqual([]);

      // Within a PublishedResource whose naming fails for one object, the others still sync.
      await team.create(
        gadgets(pluralOf('naming-per-object')),
        gadget(kindOf('naming-per-object'), 'two', 'fine-two'),
      );
      await waitForObject(w.service.client, `/apis/${GROUP}/v1/namespaces/${cluster}/gadgets/fine-two`);

      // The good ones are published, served and sync an object.
      await waitForServed(w, 0, '/apis/example.com/v1/namespaces/default/crontabs');
      await createCronTabAndWaitForCopy(w, 'good-one');
      await waitForServed(w, 0, gadgets('goodgadgets'));
      await team.create(gadgets('goodgadgets'), gadget('GoodGadget', 'fine'));
      await waitForObject(
        w.service.client,
        `/apis/${GROUP}/v1/namespaces/${cluster}/gadgets/${sha3short('default')}-${sha3short('fine')}`,
      );
      for (const name of ['good-crontabs', 'good-gadgets']) {
        const pr = await getPublishedResource(w, name);
        expect(condition(pr, 'ConfigValid')?.status ?? 'True').toBe('True');
        await waitFor(
          async () => condition(await getPublishedResource(w, name), 'Ready')?.status === 'True',
          {
            description: `Ready=True on ${name}`,
          },
        );
      }

      // The rejected claim is not in the export, and the export keeps updating: a PublishedResource
      // created after all the bad ones is published and served.
      expect((await exportSpec(w)).permissionClaims?.some((x) => x.group === 'things.example.com')).toBe(
        false,
      );
      await w.service.client.create(
        PRS,
        publishedResource('good-late', {
          resource: { apiGroup: GROUP, kind: 'Gadget', versions: ['v1'] },
          projection: { kind: 'LateGadget' },
        }),
      );
      await waitForServed(w, 0, gadgets('lategadgets'), 120_000);
      await team.create(gadgets('lategadgets'), gadget('LateGadget', 'late'));
      await waitForObject(
        w.service.client,
        `/apis/${GROUP}/v1/namespaces/${cluster}/gadgets/${sha3short('default')}-${sha3short('late')}`,
      );

      // SchemaPublished=True only for schemas the export really lists.
      const listed = new Set((await exportSpec(w)).latestResourceSchemas ?? []);
      const prs = (await w.service.client.list(PRS)).items;
      const published = prs.filter((p) => condition(p, 'SchemaPublished')?.status === 'True');
      expect(published.length).toBeGreaterThan(3);
      for (const p of published) expect(listed.has(p.status?.resourceSchemaName as string)).toBe(true);
    },
    6 * STEP,
  );

  it(
    'agrees with kcp on which permission claims need no identityHash',
    async () => {
      const admin = world().provider.admin;
      const exports = '/apis/apis.kcp.io/v1alpha1/apiexports';
      await admin.create(exports, {
        apiVersion: 'apis.kcp.io/v1alpha1',
        kind: 'APIExport',
        metadata: { name: 'claim-probe' },
        spec: {},
      });
      const accepts = async (key: string): Promise<boolean | string> => {
        const [group, resource] = key.split('/') as [string, string];
        for (let attempt = 0; ; attempt++) {
          const exp = await admin.get(`${exports}/claim-probe`);
          exp.spec = {
            ...(exp.spec ?? {}),
            permissionClaims: [{ ...(group ? { group } : {}), resource, all: true }],
          };
          try {
            await admin.update(`${exports}/claim-probe`, exp);
            return true;
          } catch (err) {
            if (err instanceof ApiError && err.status === 409 && attempt < 5) continue; // kcp wrote it too
            if (err instanceof ApiError && err.status === 403 && err.message.includes('identityHash'))
              return false;
            return (err as Error).message;
          }
        }
      };
      const NOT_BUILT_IN = [
        '/pods',
        '/services',
        '/limitranges',
        'apps/deployments',
        'batch/jobs',
        'tenancy.kcp.io/workspaces',
        'things.example.com/things',
      ];
      const results: Record<string, boolean | string> = {};
      for (const key of KCP_BUILTIN_CLAIMABLE) results[key] = await accepts(key);
      for (const key of NOT_BUILT_IN) results[key] = await accepts(key);
      const want: Record<string, boolean> = {};
      for (const key of KCP_BUILTIN_CLAIMABLE) want[key] = true;
      for (const key of NOT_BUILT_IN) want[key] = false;
      expect(results).toEqual(want);
    },
    STEP,
  );
});
